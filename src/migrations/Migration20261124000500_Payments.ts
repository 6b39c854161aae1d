import { Migration } from '@mikro-orm/migrations';

export class Migration20261124000500_Payments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`payments\` (\`id\` varchar(64) not null, \`reservation_id\` varchar(64) not null, \`user_id\` int unsigned not null, \`amount\` int unsigned not null, \`items\` text not null, \`paid_at\` datetime(3) not null, \`published_at\` datetime(3) null, \`attempts\` int unsigned not null default 0, \`next_attempt_at\` datetime(3) not null, \`last_error\` varchar(500) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`payments\` add unique \`payments_reservation_id_unique\`(\`reservation_id\`);`,
    );
    this.addSql(`alter table \`payments\` add index \`payments_user_id_index\`(\`user_id\`);`);
    this.addSql(
      `alter table \`payments\` add index \`payments_published_at_next_attempt_at_index\`(\`published_at\`, \`next_attempt_at\`);`,
    );
    this.addSql(
      `alter table \`payments\` add constraint \`payments_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`payments\`;`);
  }
}
