import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createMemoryPubSub } from '../clients/pubsub';
import { buildAppSchema } from '../schema/build-schema';

/** Writes schema.graphql from the type-graphql classes, with no database or Redis. */
async function main() {
  const schema = await buildAppSchema({
    // Resolver instances are never called while printing the schema.
    container: { get: () => ({}) },
    pubSub: createMemoryPubSub(),
  });
  const out = join(process.cwd(), 'schema.graphql');
  writeFileSync(out, `${printSchema(lexicographicSortSchema(schema))}\n`);
  console.log(`wrote ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
