import { createConnection } from 'mysql2/promise';
import type { Config } from '../config';

/** Creates the configured database if it does not exist yet (utf8mb4). */
export async function ensureDatabase(
  config: Config['mysql'],
  options: { recreate?: boolean } = {},
) {
  const conn = await createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
  });
  try {
    // dbName is validated to [A-Za-z0-9_] by the config schema.
    if (options.recreate) await conn.query(`DROP DATABASE IF EXISTS \`${config.dbName}\``);
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${config.dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}
