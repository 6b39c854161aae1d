import { Entity, Enum, Opt, PrimaryKey, Property } from '@mikro-orm/core';

export enum WaitingRoomMode {
  FIFO = 'FIFO',
  RAFFLE = 'RAFFLE',
}

/**
 * A product's waiting room: its durable settings (the live line is Redis state, owned by the sale
 * store). One row per product; deleting the row takes the room away.
 */
@Entity({ tableName: 'waiting_rooms' })
export class WaitingRoom {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: false })
  productId!: number;

  @Enum({ items: () => WaitingRoomMode })
  mode: WaitingRoomMode & Opt = WaitingRoomMode.FIFO;

  /** When members may start joining (the pre-queue); null: at the sale's start. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  preQueueOpensAt?: Date | null;

  /** How long an admitted member may start a purchase. */
  @Property({ type: 'integer', unsigned: true })
  admissionSeconds!: number;

  /** How long a reservation made through the room holds its units. */
  @Property({ type: 'integer', unsigned: true })
  holdSeconds!: number;

  @Property({ type: 'integer', unsigned: true })
  maxAdmitPerSecond!: number;

  /** Set while an operator has paused the room: shown to everyone in line. */
  @Property({ type: 'string', length: 500, nullable: true })
  pausedReason?: string | null;

  /** The draw's secret seed (hex), revealed once the room closes. */
  @Property({ type: 'string', length: 64, columnType: 'char(64)' })
  seed!: string;

  /** SHA-256 commitment to the seed, public from the start (fair-order.ts). */
  @Property({ type: 'string', length: 64, columnType: 'char(64)' })
  seedCommit!: string;

  /** Root and count of the frozen pre-queue entries, once sealed. */
  @Property({ type: 'string', length: 64, columnType: 'char(64)', nullable: true })
  entriesRoot?: string | null;

  @Property({ type: 'integer', unsigned: true, nullable: true })
  entriesCount?: number | null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
