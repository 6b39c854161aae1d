import { Migration } from '@mikro-orm/migrations';

/**
 * How many times the lost-event check has sent a paid payment's event again: once is a lost
 * event; found lost after that, the event cannot become an order and the payment is refunded.
 */
export class Migration20261130000000_PaymentEventResends extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`payments\` add \`events_resent\` int unsigned not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`payments\` drop column \`events_resent\`;`);
  }
}
