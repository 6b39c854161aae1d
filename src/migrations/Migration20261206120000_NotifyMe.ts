import { Migration } from '@mikro-orm/migrations';

/**
 * Notify me: a member's standing request to hear of a product's sale start or restock, and a
 * topic on outbox mail so that a drop's pending notices can be expired together.
 */
export class Migration20261206120000_NotifyMe extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`notify_requests\` (
      \`id\` int unsigned not null auto_increment primary key,
      \`user_id\` int unsigned not null,
      \`product_id\` int unsigned not null,
      \`sale_start\` tinyint(1) not null default 0,
      \`restock\` tinyint(1) not null default 0,
      \`sale_start_sent_for\` datetime(3) null,
      \`last_sent_at\` datetime(3) null,
      \`created_at\` datetime(3) not null
    ) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(
      `alter table \`notify_requests\` add unique \`notify_requests_user_id_product_id_unique\`(\`user_id\`, \`product_id\`);`,
    );
    this.addSql(
      `alter table \`notify_requests\` add index \`notify_requests_user_id_index\`(\`user_id\`);`,
    );
    this.addSql(
      `alter table \`notify_requests\` add index \`notify_requests_product_id_index\`(\`product_id\`);`,
    );
    this.addSql(
      `alter table \`notify_requests\` add constraint \`notify_requests_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`notify_requests\` add constraint \`notify_requests_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(`alter table \`mail_outbox\` add \`topic\` varchar(64) null;`);
    this.addSql(
      `alter table \`mail_outbox\` add index \`mail_outbox_topic_status_index\`(\`topic\`, \`status\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`mail_outbox\` drop index \`mail_outbox_topic_status_index\`;`);
    this.addSql(`alter table \`mail_outbox\` drop column \`topic\`;`);
    this.addSql(`drop table if exists \`notify_requests\`;`);
  }
}
