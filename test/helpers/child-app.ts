import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config, Env } from '../../src/config';

/**
 * The built app (dist/) as its own process on a test file's state (database, Redis prefix, Kafka
 * names), so a test can kill it with SIGKILL. Resolves once it listens, with its GraphQL URL.
 */
export async function startChildApp(
  config: Config,
  env: Env,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(__dirname, '../../dist/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      ...env,
      MYSQL_DATABASE: config.mysql.dbName,
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      KAFKA_TOPIC_PREFIX: config.kafka.topicPrefix,
      KAFKA_GROUP_PREFIX: config.kafka.groupPrefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'rocket mart started' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`child app exited (${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}/graphql` };
}

/** SIGKILL: the process gets no chance to finish anything. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}
