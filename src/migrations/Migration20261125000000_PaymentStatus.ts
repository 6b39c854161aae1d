import { Migration } from '@mikro-orm/migrations';

/**
 * Payments are recorded before the charge (PENDING) and marked PAID afterwards; a reservation may
 * have several attempts, so its id is no longer unique. Rows written before are all paid. (A row an
 * instance of the previous version writes during a rolling deploy starts PENDING and the recovery
 * marks it PAID, since Redis has its reservation paid with it.)
 */
export class Migration20261125000000_PaymentStatus extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`payments\` add \`status\` enum('PENDING', 'PAID', 'DECLINED', 'VOID') not null default 'PENDING', add \`created_at\` datetime(3) not null default current_timestamp(3), modify \`paid_at\` datetime(3) null;`,
    );
    this.addSql(`update \`payments\` set \`status\` = 'PAID', \`created_at\` = \`paid_at\`;`);
    this.addSql(
      `alter table \`payments\` drop index \`payments_reservation_id_unique\`, add index \`payments_reservation_id_index\`(\`reservation_id\`);`,
    );
    this.addSql(
      `alter table \`payments\` drop index \`payments_published_at_next_attempt_at_index\`, add index \`payments_status_published_at_next_attempt_at_index\`(\`status\`, \`published_at\`, \`next_attempt_at\`);`,
    );
  }

  override async down(): Promise<void> {
    // The old table holds paid payments only: declined and void attempts go. Run it only once no
    // payment is PENDING (the recovery settles them), or their charges lose their record.
    this.addSql(`delete from \`payments\` where \`status\` <> 'PAID';`);
    this.addSql(
      `alter table \`payments\` drop index \`payments_status_published_at_next_attempt_at_index\`, add index \`payments_published_at_next_attempt_at_index\`(\`published_at\`, \`next_attempt_at\`);`,
    );
    this.addSql(
      `alter table \`payments\` drop index \`payments_reservation_id_index\`, add unique \`payments_reservation_id_unique\`(\`reservation_id\`);`,
    );
    this.addSql(
      `alter table \`payments\` drop column \`status\`, drop column \`created_at\`, modify \`paid_at\` datetime(3) not null;`,
    );
  }
}
