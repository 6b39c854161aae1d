/** A benchmark's fresh state: its database migrated, its Redis keys gone, its members written. */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { ResultSetHeader } from 'mysql2';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { ensureDatabase } from '../../src/cli/database';
import { createOrm, migrateUp } from '../../src/clients/orm';
import { createMemoryPubSub } from '../../src/clients/pubsub';
import type { Config } from '../../src/config';
import { TokenService } from '../../src/services/members/token.service';

/**
 * The token that reads a server's `/metrics` (production serves it only with one): the servers
 * under test get it in their environment.
 */
export const METRICS_TOKEN = randomBytes(16).toString('hex');

/** The environment every server under test shares: production mode, so real secrets. */
export function serverEnv(extra: Record<string, string>): Record<string, string> {
  return {
    // Production mode (graphql-js and Apollo skip development checks), so real secrets are needed.
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    METRICS_TOKEN,
    ...extra,
  };
}

/**
 * Recreates the benchmark's database with every migration and deletes its Redis keys; returns a
 * MySQL connection, a Redis connection and the token service to sign members' tokens with.
 */
export async function freshState(config: Config) {
  await ensureDatabase(config.mysql, { recreate: true });
  const orm = await createOrm(config.mysql);
  await migrateUp(orm);
  await orm.close(true);
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    db: config.redis.db,
  });
  const stale = await redis.keys(`${config.redis.keyPrefix}*`);
  for (let i = 0; i < stale.length; i += 1000) await redis.del(...stale.slice(i, i + 1000));
  const db = await createConnection({ ...config.mysql, database: config.mysql.dbName });
  const tokens = new TokenService(config.auth, redis, createMemoryPubSub());
  return { db, redis, tokens };
}

/** A product on sale now with `stock` units, written straight to MySQL. */
export async function createProduct(
  db: Connection,
  stock: number,
  name = 'Bench rocket',
): Promise<number> {
  const [res] = await db.query<ResultSetHeader>(
    `insert into products (created_at, updated_at, name, description, price, stock) values (now(3), now(3), ?, '', 4900, ?)`,
    [name, stock],
  );
  return res.insertId;
}

/** The first column of the first row of `sql`, as a number. */
export async function count(db: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(sql, params);
  return Number(Object.values(rows[0])[0] ?? 0);
}

/** Polls `probe` every 100 ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
