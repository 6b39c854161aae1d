import { Migration } from '@mikro-orm/migrations';

/** A product's waiting room settings (the live line is in Redis). */
export class Migration20261206000000_WaitingRooms extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`waiting_rooms\` (
      \`product_id\` int unsigned not null,
      \`mode\` enum('FIFO', 'RAFFLE') not null default 'FIFO',
      \`pre_queue_opens_at\` datetime(3) null,
      \`admission_seconds\` int unsigned not null,
      \`hold_seconds\` int unsigned not null,
      \`max_admit_per_second\` int unsigned not null,
      \`paused_reason\` varchar(500) null,
      \`seed\` char(64) not null,
      \`seed_commit\` char(64) not null,
      \`entries_root\` char(64) null,
      \`entries_count\` int unsigned null,
      \`created_at\` datetime(3) not null,
      \`updated_at\` datetime(3) not null,
      primary key (\`product_id\`)
    ) default character set utf8mb4 engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `waiting_rooms`;');
  }
}
