import 'reflect-metadata';
import { loadConfig } from '../config';
import { createOrm } from '../clients/orm';
import { ensureDatabase } from './database';

/** `migrate up` applies pending migrations; `migrate create` writes one for entity changes. */
async function main() {
  const command = process.argv[2] ?? 'up';
  const config = loadConfig();
  await ensureDatabase(config.mysql);
  // Schema changes may take long: no statement deadline here.
  const orm = await createOrm({ ...config.mysql, readTimeoutMs: 0 });
  try {
    const migrator = orm.getMigrator();
    if (command === 'up') {
      const done = await migrator.up();
      console.log(
        done.length ? `applied: ${done.map((m) => m.name).join(', ')}` : 'database is up to date',
      );
    } else if (command === 'down') {
      const done = await migrator.down();
      console.log(`reverted: ${done.map((m) => m.name).join(', ') || 'nothing'}`);
    } else if (command === 'pending') {
      const pending = await migrator.getPendingMigrations();
      console.log(pending.map((m) => m.name).join('\n') || 'none');
    } else if (command === 'create') {
      await migrator.up();
      const result = await migrator.createMigration(undefined, false, false, process.argv[3]);
      console.log(
        result.fileName
          ? `created src/migrations/${result.fileName}; add it to src/migrations/index.ts`
          : 'no changes',
      );
    } else {
      throw new Error(`unknown command ${command}: use up, down, pending or create`);
    }
  } finally {
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
