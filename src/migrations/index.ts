import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123234521_Initial } from './Migration20261123234521_Initial';
import { Migration20261123234754_CatalogAndOrders } from './Migration20261123234754_CatalogAndOrders';

/** Committed migrations in the order they run; a new migration file is appended here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123234521_Initial', class: Migration20261123234521_Initial },
  { name: 'Migration20261123234754_CatalogAndOrders', class: Migration20261123234754_CatalogAndOrders },
];
