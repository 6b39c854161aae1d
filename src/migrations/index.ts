import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123234521_Initial } from './Migration20261123234521_Initial';
import { Migration20261123234754_CatalogAndOrders } from './Migration20261123234754_CatalogAndOrders';
import { Migration20261123235250_CatalogCartLikes } from './Migration20261123235250_CatalogCartLikes';
import { Migration20261123235352_OrderLifecycle } from './Migration20261123235352_OrderLifecycle';
import { Migration20261124000500_Payments } from './Migration20261124000500_Payments';
import { Migration20261125000000_PaymentStatus } from './Migration20261125000000_PaymentStatus';
import { Migration20261129010000_EmailBinaryCollation } from './Migration20261129010000_EmailBinaryCollation';
import { Migration20261129020000_PaymentRefunds } from './Migration20261129020000_PaymentRefunds';
import { Migration20261129100000_OrderEventsOutbox } from './Migration20261129100000_OrderEventsOutbox';
import { Migration20261206000000_OneChargePerReservation } from './Migration20261206000000_OneChargePerReservation';
import { Migration20261130000000_PaymentEventResends } from './Migration20261130000000_PaymentEventResends';
import { Migration20261206100000_LikeCounts } from './Migration20261206100000_LikeCounts';
import { Migration20261206110000_ProductSearch } from './Migration20261206110000_ProductSearch';
import { Migration20261206000000_WaitingRooms } from './Migration20261206000000_WaitingRooms';
import { Migration20261206120000_NotifyMe } from './Migration20261206120000_NotifyMe';

/** Committed migrations in the order they run; a new migration file is appended here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123234521_Initial', class: Migration20261123234521_Initial },
  {
    name: 'Migration20261123234754_CatalogAndOrders',
    class: Migration20261123234754_CatalogAndOrders,
  },
  {
    name: 'Migration20261123235250_CatalogCartLikes',
    class: Migration20261123235250_CatalogCartLikes,
  },
  { name: 'Migration20261123235352_OrderLifecycle', class: Migration20261123235352_OrderLifecycle },
  { name: 'Migration20261124000500_Payments', class: Migration20261124000500_Payments },
  { name: 'Migration20261125000000_PaymentStatus', class: Migration20261125000000_PaymentStatus },
  {
    name: 'Migration20261129010000_EmailBinaryCollation',
    class: Migration20261129010000_EmailBinaryCollation,
  },
  { name: 'Migration20261129020000_PaymentRefunds', class: Migration20261129020000_PaymentRefunds },
  {
    name: 'Migration20261129100000_OrderEventsOutbox',
    class: Migration20261129100000_OrderEventsOutbox,
  },
  {
    name: 'Migration20261130000000_PaymentEventResends',
    class: Migration20261130000000_PaymentEventResends,
  },
  { name: 'Migration20261206100000_LikeCounts', class: Migration20261206100000_LikeCounts },
  {
    name: 'Migration20261206110000_ProductSearch',
    class: Migration20261206110000_ProductSearch,
  },
  {
    name: 'Migration20261206000000_OneChargePerReservation',
    class: Migration20261206000000_OneChargePerReservation,
  },
  { name: 'Migration20261206000000_WaitingRooms', class: Migration20261206000000_WaitingRooms },
  { name: 'Migration20261206120000_NotifyMe', class: Migration20261206120000_NotifyMe },
];
