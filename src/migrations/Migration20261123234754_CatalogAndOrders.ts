import { Migration } from '@mikro-orm/migrations';

export class Migration20261123234754_CatalogAndOrders extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`products\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(200) not null, \`description\` text not null default (''), \`price\` int unsigned not null, \`stock\` int unsigned not null, \`sale_starts_at\` datetime(3) null, \`sale_ends_at\` datetime(3) null, \`purchase_limit\` int unsigned null, \`like_count\` int unsigned not null default 0, \`deleted_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`products\` add index \`products_like_count_index\`(\`like_count\`);`,
    );
    this.addSql(
      `alter table \`products\` add index \`products_sale_starts_at_sale_ends_at_index\`(\`sale_starts_at\`, \`sale_ends_at\`);`,
    );

    this.addSql(
      `create table \`orders\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` int unsigned not null, \`payment_id\` varchar(64) not null, \`reservation_id\` varchar(64) not null, \`status\` enum('PLACED', 'SHIPPING', 'DELIVERED', 'COMPLETED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED') not null default 'PLACED', \`total_amount\` int unsigned not null, \`placed_at\` datetime(3) not null, \`next_transition_at\` datetime(3) null, \`version\` int unsigned not null default 1) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`orders\` add index \`orders_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`orders\` add unique \`orders_payment_id_unique\`(\`payment_id\`);`);
    this.addSql(
      `alter table \`orders\` add index \`orders_user_id_id_index\`(\`user_id\`, \`id\`);`,
    );
    this.addSql(
      `alter table \`orders\` add index \`orders_status_next_transition_at_index\`(\`status\`, \`next_transition_at\`);`,
    );

    this.addSql(
      `create table \`order_status_changes\` (\`id\` int unsigned not null auto_increment primary key, \`order_id\` int unsigned not null, \`from\` enum('PLACED', 'SHIPPING', 'DELIVERED', 'COMPLETED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED') null, \`to\` enum('PLACED', 'SHIPPING', 'DELIVERED', 'COMPLETED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED') not null, \`at\` datetime(3) not null, \`actor\` varchar(16) not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`order_status_changes\` add index \`order_status_changes_order_id_index\`(\`order_id\`);`,
    );

    this.addSql(
      `create table \`order_items\` (\`id\` int unsigned not null auto_increment primary key, \`order_id\` int unsigned not null, \`product_id\` int unsigned not null, \`quantity\` int unsigned not null, \`unit_price\` int unsigned not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`order_items\` add index \`order_items_order_id_index\`(\`order_id\`);`,
    );
    this.addSql(
      `alter table \`order_items\` add index \`order_items_product_id_index\`(\`product_id\`);`,
    );

    this.addSql(
      `alter table \`orders\` add constraint \`orders_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade;`,
    );

    this.addSql(
      `alter table \`order_status_changes\` add constraint \`order_status_changes_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table \`order_items\` add constraint \`order_items_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`order_items\` add constraint \`order_items_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade;`,
    );

    this.addSql(
      `alter table \`mail_outbox\` modify \`status\` enum('PENDING', 'SENT', 'EXPIRED') not null default 'PENDING', modify \`last_error\` varchar(500);`,
    );

    this.addSql(
      `alter table \`users\` modify \`role\` enum('USER', 'ADMIN') not null default 'USER', modify \`phone_cipher\` text, modify \`address_cipher\` text;`,
    );

    this.addSql(`alter table \`sessions\` modify \`revoke_reason\` varchar(32);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`order_items\` drop foreign key \`order_items_product_id_foreign\`;`);

    this.addSql(
      `alter table \`order_status_changes\` drop foreign key \`order_status_changes_order_id_foreign\`;`,
    );

    this.addSql(`alter table \`order_items\` drop foreign key \`order_items_order_id_foreign\`;`);

    this.addSql(`drop table if exists \`products\`;`);

    this.addSql(`drop table if exists \`orders\`;`);

    this.addSql(`drop table if exists \`order_status_changes\`;`);

    this.addSql(`drop table if exists \`order_items\`;`);

    this.addSql(`alter table \`sessions\` modify \`revoke_reason\` varchar(32) default 'NULL';`);

    this.addSql(
      `alter table \`mail_outbox\` modify \`status\` enum('PENDING', 'SENT', 'EXPIRED') not null default '\\'PENDING\\'', modify \`last_error\` varchar(500) default 'NULL';`,
    );

    this.addSql(
      `alter table \`users\` modify \`role\` enum('USER', 'ADMIN') not null default '\\'USER\\'', modify \`phone_cipher\` text default ('NULL'), modify \`address_cipher\` text default ('NULL');`,
    );
  }
}
