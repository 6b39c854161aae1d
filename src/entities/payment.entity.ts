import { Entity, Index, ManyToOne, Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { User } from './user.entity';

/** One unit line of a payment: what the order writer turns into an order item. */
export interface PaymentItem {
  productId: number;
  quantity: number;
  unitPrice: number;
}

/** A payment's items from their stored JSON text. */
export function paymentItems(value: PaymentItem[] | string): PaymentItem[] {
  return typeof value === 'string' ? (JSON.parse(value) as PaymentItem[]) : value;
}

/**
 * A completed payment of a reservation, and the outbox row of its `payment.completed` event.
 * Written when the charge succeeds; `publishedAt` stays null until Kafka acknowledged the event,
 * and the relay worker retries it until then, so a paid reservation is never lost.
 */
@Entity({ tableName: 'payments' })
@Index({ properties: ['publishedAt', 'nextAttemptAt'] })
export class Payment {
  // Random id given to the payment provider; the order's unique `paymentId`.
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Unique()
  @Property({ type: 'string', length: 64 })
  reservationId!: string;

  @ManyToOne(() => User)
  user!: User;

  @Property({ type: 'integer', unsigned: true })
  amount!: number;

  // JSON text (a plain column: MariaDB's JSON is a text column plus a check constraint).
  @Property({ type: 'text' })
  items!: string;

  @Property({ type: 'datetime', length: 3 })
  paidAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  publishedAt?: Date | null;

  @Property({ type: 'integer', unsigned: true })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime', length: 3 })
  nextAttemptAt!: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;
}
