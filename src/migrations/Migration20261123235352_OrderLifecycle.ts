import { Migration } from '@mikro-orm/migrations';

export class Migration20261123235352_OrderLifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`orders\` add index \`orders_user_id_placed_at_id_index\`(\`user_id\`, \`placed_at\`, \`id\`);`,
    );

    this.addSql(
      `alter table \`order_status_changes\` add \`recorded_at\` datetime(3) not null default current_timestamp(3), add \`published_at\` datetime(3) null;`,
    );
    // Steps recorded before the outbox existed are not sent again.
    this.addSql(
      `update \`order_status_changes\` set \`recorded_at\` = \`at\`, \`published_at\` = \`at\`;`,
    );
    this.addSql(
      `alter table \`order_status_changes\` add index \`order_status_changes_published_at_recorded_at_index\`(\`published_at\`, \`recorded_at\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`order_status_changes\` drop index \`order_status_changes_published_at_recorded_at_index\`;`,
    );
    this.addSql(
      `alter table \`order_status_changes\` drop column \`recorded_at\`, drop column \`published_at\`;`,
    );
    this.addSql(`alter table \`orders\` drop index \`orders_user_id_placed_at_id_index\`;`);
  }
}
