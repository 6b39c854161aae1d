import 'reflect-metadata';
import { createConnection } from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../src/config';
import { createRedisClient } from '../src/clients/redis';
import { fixKafkaRequestQueue } from '../src/clients/kafka-request-queue';

fixKafkaRequestQueue();

/**
 * The suite runs against real MySQL, Redis and Kafka. If one is missing, stop here with one
 * clear message instead of hundreds of timeouts; tests are never skipped.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const problems: string[] = [];
  const attempt = async (name: string, where: string, probe: () => Promise<unknown>) => {
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no answer in 10 s')), 10_000).unref(),
        ),
      ]);
    } catch (err) {
      problems.push(`${name} at ${where}: ${(err as Error).message}`);
    }
  };
  const redisAt = config.redis.clusterNodes.length
    ? `cluster ${config.redis.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`
    : `${config.redis.host}:${config.redis.port}`;
  await Promise.all([
    attempt('MySQL', `${config.mysql.host}:${config.mysql.port}`, async () => {
      const { host, port, user, password } = config.mysql;
      const conn = await createConnection({ host, port, user, password });
      await conn.query('select 1');
      await conn.end();
    }),
    attempt('Redis', redisAt, async () => {
      const redis = createRedisClient(config.redis, 'setup');
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    }),
    attempt('Kafka', config.kafka.brokers.join(','), async () => {
      const admin = new Kafka({
        brokers: config.kafka.brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 2 },
      }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    }),
  ]);
  if (problems.length) {
    throw new Error(
      `The test suite needs its services and some are not reachable:\n  ${problems.join('\n  ')}\n` +
        'Start them with `npm run services` (npm test does this first).',
    );
  }
}
