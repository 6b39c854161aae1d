import { Migration } from '@mikro-orm/migrations';

export class Migration20261123234521_Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`mail_outbox\` (\`id\` int unsigned not null auto_increment primary key, \`to_address\` varchar(254) not null, \`subject\` varchar(255) not null, \`body_cipher\` text not null, \`status\` enum('PENDING', 'SENT', 'EXPIRED') not null default 'PENDING', \`attempts\` int not null default 0, \`next_attempt_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`last_error\` varchar(500) null, \`created_at\` datetime(3) not null, \`sent_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`mail_outbox\` add index \`mail_outbox_status_next_attempt_at_index\`(\`status\`, \`next_attempt_at\`);`,
    );

    this.addSql(
      `create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`email\` varchar(254) not null, \`password_hash\` varchar(255) not null, \`name\` varchar(100) not null, \`role\` enum('USER', 'ADMIN') not null default 'USER', \`email_verified_at\` datetime(3) null, \`phone_cipher\` text null, \`address_cipher\` text null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`users\` add unique \`users_email_unique\`(\`email\`);`);
    this.addSql(
      `alter table \`users\` add index \`users_email_verified_at_index\`(\`email_verified_at\`);`,
    );

    this.addSql(
      `create table \`sessions\` (\`id\` varchar(36) not null, \`user_id\` int unsigned not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`revoked_at\` datetime(3) null, \`revoke_reason\` varchar(32) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`sessions\` add index \`sessions_user_id_index\`(\`user_id\`);`);
    this.addSql(
      `alter table \`sessions\` add index \`sessions_revoked_at_index\`(\`revoked_at\`);`,
    );

    this.addSql(
      `create table \`refresh_tokens\` (\`id\` int unsigned not null auto_increment primary key, \`session_id\` varchar(36) not null, \`token_hash\` varchar(64) not null, \`created_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`refresh_tokens\` add index \`refresh_tokens_session_id_index\`(\`session_id\`);`,
    );
    this.addSql(
      `alter table \`refresh_tokens\` add unique \`refresh_tokens_token_hash_unique\`(\`token_hash\`);`,
    );

    this.addSql(
      `create table \`email_tokens\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`purpose\` enum('VERIFY_EMAIL', 'RESET_PASSWORD') not null, \`token_hash\` varchar(64) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`email_tokens\` add index \`email_tokens_user_id_index\`(\`user_id\`);`,
    );
    this.addSql(
      `alter table \`email_tokens\` add unique \`email_tokens_token_hash_unique\`(\`token_hash\`);`,
    );

    this.addSql(
      `alter table \`sessions\` add constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table \`refresh_tokens\` add constraint \`refresh_tokens_session_id_foreign\` foreign key (\`session_id\`) references \`sessions\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table \`email_tokens\` add constraint \`email_tokens_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`sessions\` drop foreign key \`sessions_user_id_foreign\`;`);

    this.addSql(`alter table \`email_tokens\` drop foreign key \`email_tokens_user_id_foreign\`;`);

    this.addSql(
      `alter table \`refresh_tokens\` drop foreign key \`refresh_tokens_session_id_foreign\`;`,
    );

    this.addSql(`drop table if exists \`mail_outbox\`;`);

    this.addSql(`drop table if exists \`users\`;`);

    this.addSql(`drop table if exists \`sessions\`;`);

    this.addSql(`drop table if exists \`refresh_tokens\`;`);

    this.addSql(`drop table if exists \`email_tokens\`;`);
  }
}
