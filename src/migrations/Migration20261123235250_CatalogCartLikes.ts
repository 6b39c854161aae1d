import { Migration } from '@mikro-orm/migrations';

export class Migration20261123235250_CatalogCartLikes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`product_likes\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`product_id\` int unsigned not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`product_likes\` add index \`product_likes_user_id_index\`(\`user_id\`);`,
    );
    this.addSql(
      `alter table \`product_likes\` add index \`product_likes_product_id_index\`(\`product_id\`);`,
    );
    this.addSql(
      `alter table \`product_likes\` add unique \`product_likes_user_id_product_id_unique\`(\`user_id\`, \`product_id\`);`,
    );

    this.addSql(
      `create table \`cart_items\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`product_id\` int unsigned not null, \`quantity\` int unsigned not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`cart_items\` add index \`cart_items_user_id_index\`(\`user_id\`);`);
    this.addSql(
      `alter table \`cart_items\` add index \`cart_items_product_id_index\`(\`product_id\`);`,
    );
    this.addSql(
      `alter table \`cart_items\` add unique \`cart_items_user_id_product_id_unique\`(\`user_id\`, \`product_id\`);`,
    );

    this.addSql(
      `alter table \`product_likes\` add constraint \`product_likes_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`product_likes\` add constraint \`product_likes_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table \`cart_items\` add constraint \`cart_items_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`cart_items\` add constraint \`cart_items_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(`alter table \`products\` add index \`products_price_index\`(\`price\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`product_likes\`;`);

    this.addSql(`drop table if exists \`cart_items\`;`);

    this.addSql(`alter table \`products\` drop index \`products_price_index\`;`);
  }
}
