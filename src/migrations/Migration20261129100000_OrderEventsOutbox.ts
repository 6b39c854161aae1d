import { Migration } from '@mikro-orm/migrations';

/**
 * An order status change is an outbox row like every other (mail, payments): its relay counts the
 * attempts to send its `order.status-changed` event, leases a claimed row until `next_attempt_at`
 * (null until the first claim) and keeps the last error.
 */
export class Migration20261129100000_OrderEventsOutbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`order_status_changes\` add \`attempts\` int unsigned not null default 0, add \`next_attempt_at\` datetime(3) null, add \`last_error\` varchar(500) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`order_status_changes\` drop column \`attempts\`, drop column \`next_attempt_at\`, drop column \`last_error\`;`,
    );
  }
}
