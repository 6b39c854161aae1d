import { Migration } from '@mikro-orm/migrations';

/**
 * Emails compare byte for byte: the table's default collation ignores accents and case, so
 * `jöhn@…` found `john@…`'s account. The app stores emails normalised (NFKC, lower case), so the
 * binary collation loses no match that should happen.
 */
export class Migration20261129010000_EmailBinaryCollation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `users` modify `email` varchar(254) character set utf8mb4 collate utf8mb4_bin not null;',
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'alter table `users` modify `email` varchar(254) character set utf8mb4 collate utf8mb4_general_ci not null;',
    );
  }
}
