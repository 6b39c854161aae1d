import { Migration } from '@mikro-orm/migrations';

/**
 * Refunds of paid payments: REFUNDING (owed, written with the order's cancel or return, or when
 * the payment cannot become an order) and REFUNDED (given back), with amount, reason and times.
 */
export class Migration20261129020000_PaymentRefunds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`payments\` modify \`status\` enum('PENDING', 'PAID', 'DECLINED', 'VOID', 'REFUNDING', 'REFUNDED') not null default 'PENDING', add \`refund_amount\` int unsigned null, add \`refund_reason\` enum('CANCELLED', 'RETURNED', 'UNPLACEABLE') null, add \`refund_requested_at\` datetime(3) null, add \`refunded_at\` datetime(3) null;`,
    );
  }

  override async down(): Promise<void> {
    // Refunded payments keep their money back only in the provider's records once this runs.
    this.addSql(
      `update \`payments\` set \`status\` = 'VOID' where \`status\` in ('REFUNDING', 'REFUNDED');`,
    );
    this.addSql(
      `alter table \`payments\` drop column \`refund_amount\`, drop column \`refund_reason\`, drop column \`refund_requested_at\`, drop column \`refunded_at\`, modify \`status\` enum('PENDING', 'PAID', 'DECLINED', 'VOID') not null default 'PENDING';`,
    );
  }
}
