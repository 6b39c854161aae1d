import { basename } from 'node:path';
import { loadConfig, type Config, type Env } from '../../src/config';

/** A short, SQL- and Kafka-safe name for a test file, e.g. `auth` for auth.e2e.test.ts. */
export function fileKey(testFile: string): string {
  return basename(testFile)
    .replace(/\.e2e\.test\.ts$|\.test\.ts$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/**
 * Kafka topics outlive a run (the database and Redis keys are wiped at each start): each run of
 * a file gets topics of its own, so an event a previous run left unconsumed can never reach it.
 */
const RUN = Date.now().toString(36);

/** The part of a test file's topic names that every run shares (see `resetState`). */
export function fileTopicPrefix(config: Config): string {
  return config.kafka.topicPrefix.slice(0, -(RUN.length + 1));
}

/**
 * Config for one test file: its own MySQL database, Redis key prefix and Kafka topic/group
 * names, so files can run in parallel against one set of services. Service addresses come from
 * the environment like in production.
 */
export function testConfig(testFile: string, env: Env = {}): Config {
  // TEST_NAMESPACE lets two checkouts run their suites side by side against the same services.
  const key = `${(process.env.TEST_NAMESPACE ?? '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}${fileKey(testFile)}`;
  const pick = (name: string) => process.env[name];
  return loadConfig({
    MYSQL_HOST: pick('MYSQL_HOST'),
    MYSQL_PORT: pick('MYSQL_PORT'),
    MYSQL_USER: pick('MYSQL_USER'),
    MYSQL_PASSWORD: pick('MYSQL_PASSWORD'),
    REDIS_HOST: pick('REDIS_HOST'),
    REDIS_PORT: pick('REDIS_PORT'),
    // Set (e.g. by `npm run test:cluster`), every file runs against the Redis Cluster.
    REDIS_CLUSTER_NODES: pick('REDIS_CLUSTER_NODES'),
    KAFKA_BROKERS: pick('KAFKA_BROKERS'),
    NODE_ENV: 'test',
    LOG_LEVEL: pick('TEST_LOG_LEVEL') ?? 'error',
    PUBLIC_URL: 'http://shop.rocket-mart.test',
    HTTP_HOST: '127.0.0.1',
    MYSQL_DATABASE: `e2e_${key}`,
    REDIS_KEY_PREFIX: `test:${key}:`,
    KAFKA_TOPIC_PREFIX: `test.${key}.${RUN}.`,
    KAFKA_GROUP_PREFIX: 'test',
    // Cheap but real argon2id hashes keep the suite fast.
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_ITERATIONS: '1',
    MAIL_POLL_INTERVAL_MS: '50',
    MAIL_RETRY_BASE_MS: '100',
    MAIL_RETRY_MAX_MS: '500',
    ...env,
  });
}
