import { Migration } from '@mikro-orm/migrations';

/**
 * Like counts leave the products row for a table of their own, and likes lose their foreign key
 * to products: a like then neither updates nor (through the key check) share-locks the row the
 * order writer locks to take stock.
 */
export class Migration20261206100000_LikeCounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`product_like_counts\` (\`product_id\` int unsigned not null, \`like_count\` int unsigned not null, primary key (\`product_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `insert into \`product_like_counts\` (\`product_id\`, \`like_count\`) select \`id\`, \`like_count\` from \`products\` where \`like_count\` > 0;`,
    );
    this.addSql(
      `alter table \`product_likes\` drop foreign key \`product_likes_product_id_foreign\`;`,
    );
    this.addSql(`alter table \`products\` drop index \`products_like_count_index\`;`);
    this.addSql(`alter table \`products\` drop column \`like_count\`;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`products\` add \`like_count\` int unsigned not null default 0;`);
    this.addSql(
      `update \`products\` p join \`product_like_counts\` c on c.\`product_id\` = p.\`id\` set p.\`like_count\` = c.\`like_count\`;`,
    );
    this.addSql(
      `alter table \`products\` add index \`products_like_count_index\`(\`like_count\`);`,
    );
    this.addSql(
      `alter table \`product_likes\` add constraint \`product_likes_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(`drop table if exists \`product_like_counts\`;`);
  }
}
