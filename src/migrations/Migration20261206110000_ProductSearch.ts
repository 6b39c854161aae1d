import { Migration } from '@mikro-orm/migrations';

/** A FULLTEXT index for product text search: anonymous searches no longer scan the table. */
export class Migration20261206110000_ProductSearch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`products\` add fulltext index \`products_name_description_index\`(\`name\`, \`description\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`products\` drop index \`products_name_description_index\`;`);
  }
}
