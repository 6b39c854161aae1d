import { MikroORM, MySqlDriver } from '@mikro-orm/mysql';
import { Migrator } from '@mikro-orm/migrations';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { entities } from '../entities';
import { migrationsList } from '../migrations';

export type Orm = MikroORM;

export function ormOptions(config: Config['mysql'], logger?: Logger) {
  return {
    driver: MySqlDriver,
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    dbName: config.dbName,
    entities,
    extensions: [Migrator],
    // Every instant is stored and read as UTC.
    timezone: '+00:00',
    forceUtcTimezone: true,
    // Relations are batched per tick: no N+1 from nested GraphQL fields.
    dataloader: true,
    allowGlobalContext: false,
    pool: {
      min: 0,
      max: config.poolMax,
      ...(config.readTimeoutMs > 0 ? { afterCreate: statementTimeout(config.readTimeoutMs) } : {}),
    },
    migrations: {
      migrationsList,
      path: 'src/migrations',
      pathTs: 'src/migrations',
      emit: 'ts' as const,
      snapshot: false,
      // MySQL commits DDL implicitly, so a migration cannot run inside a transaction.
      transactional: false,
      allOrNothing: false,
    },
    debug: false,
    logger: (message: string) => logger?.debug({ component: 'orm' }, message),
  };
}

type PoolConnection = {
  query: (sql: string, values: unknown[], cb: (err: Error | null) => void) => void;
};

/**
 * Each pooled connection gets a statement deadline: MySQL's max_execution_time bounds SELECTs
 * only; MariaDB has no read-only variant, so its max_statement_time bounds every statement.
 */
function statementTimeout(ms: number) {
  return (conn: PoolConnection, done: (err: Error | null, conn: PoolConnection) => void) => {
    conn.query('SET SESSION max_execution_time = ?', [ms], (mysqlErr) => {
      if (!mysqlErr) return done(null, conn);
      conn.query('SET SESSION max_statement_time = ?', [ms / 1000], (err) => done(err, conn));
    });
  };
}

export async function createOrm(config: Config['mysql'], logger?: Logger): Promise<Orm> {
  return (await MikroORM.init(ormOptions(config, logger))) as unknown as Orm;
}

/** Applies every committed migration that has not run yet. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
