import { Migration } from '@mikro-orm/migrations';

/**
 * One reservation, one order and one kept charge, held by MySQL itself rather than by a check
 * that a lost Redis write can get round: `orders.reservation_id` is unique, and a payment that
 * was charged and kept (PAID, REFUNDING, REFUNDED) marks its reservation in a stored generated
 * column that is unique, so a second payment of the reservation cannot become PAID. Amounts
 * become 64-bit (a price up to the product maximum times the units of a purchase overflows 32
 * bits).
 */
export class Migration20261206000000_OneChargePerReservation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`orders\` add unique \`orders_reservation_id_unique\`(\`reservation_id\`), modify \`total_amount\` bigint unsigned not null;`,
    );
    this.addSql(`alter table \`order_items\` modify \`unit_price\` bigint unsigned not null;`);
    this.addSql(
      `alter table \`payments\` modify \`amount\` bigint unsigned not null, modify \`refund_amount\` bigint unsigned null, add \`charged_reservation_id\` varchar(64) as (case when \`status\` in ('PAID', 'REFUNDING', 'REFUNDED') then \`reservation_id\` end) stored, add unique \`payments_charged_reservation_id_unique\`(\`charged_reservation_id\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`payments\` drop index \`payments_charged_reservation_id_unique\`, drop column \`charged_reservation_id\`, modify \`amount\` int unsigned not null, modify \`refund_amount\` int unsigned null;`,
    );
    this.addSql(`alter table \`order_items\` modify \`unit_price\` int unsigned not null;`);
    this.addSql(
      `alter table \`orders\` drop index \`orders_reservation_id_unique\`, modify \`total_amount\` int unsigned not null;`,
    );
  }
}
