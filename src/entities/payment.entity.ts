import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  Opt,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
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

/** How many units of product `productId` a payment's items hold. */
export function unitsOfProduct(value: PaymentItem[] | string, productId: number): number {
  return paymentItems(value)
    .filter((i) => i.productId === productId)
    .reduce((sum, i) => sum + i.quantity, 0);
}

/**
 * Where a payment attempt stands. PENDING: recorded before the charge, outcome not yet known.
 * PAID: charged and the reservation marked paid in Redis (the only status that counts as sold).
 * DECLINED: the provider refused the charge. VOID: the reservation could not be paid with it
 * (hold expired or released, or paid by another attempt); any charge was refunded.
 * REFUNDING: paid, and its refund is owed (the order was cancelled or returned, or the payment
 * could not become an order); the refund worker gives the money back. REFUNDED: given back.
 */
export enum PaymentStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  DECLINED = 'DECLINED',
  VOID = 'VOID',
  REFUNDING = 'REFUNDING',
  REFUNDED = 'REFUNDED',
}

/** Why a paid payment is refunded. */
export enum RefundReason {
  CANCELLED = 'CANCELLED',
  RETURNED = 'RETURNED',
  /** The payment event could not become an order (the order writer's stock guard refused it). */
  UNPLACEABLE = 'UNPLACEABLE',
}

/**
 * One payment attempt of a reservation, and the outbox row of its `payment.completed` event.
 * Written PENDING before the provider is charged, so no charge is ever without a durable record;
 * marked PAID once Redis has the reservation paid. `nextAttemptAt` is when a worker looks at the
 * row next: for a PENDING row, the recovery (a crashed or failed `pay`), for a PAID one, the relay
 * (an event not yet acknowledged by Kafka), for a REFUNDING one, the refund worker;
 * `publishedAt` stays null until Kafka has the event. The refund columns are written in the same
 * transaction as what owes the refund (the order's status change), so a refund is never lost.
 */
@Entity({ tableName: 'payments' })
@Index({ properties: ['status', 'publishedAt', 'nextAttemptAt'] })
export class Payment {
  // Random id given to the payment provider; the order's unique `paymentId`.
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  // Several attempts may share a reservation; at most one of them is PAID (pay.lua decides).
  @Index()
  @Property({ type: 'string', length: 64 })
  reservationId!: string;

  // The reservation of a payment charged and kept (PAID, REFUNDING, REFUNDED), else null: unique,
  // so one reservation never has two kept charges, whatever Redis lost.
  @Unique()
  @Property({
    type: 'string',
    length: 64,
    nullable: true,
    generated:
      "(case when `status` in ('PAID', 'REFUNDING', 'REFUNDED') then `reservation_id` end) stored",
  })
  chargedReservationId?: string | null;

  @ManyToOne(() => User)
  user!: User;

  @Property({ type: new BigIntType('number'), unsigned: true })
  amount!: number;

  // JSON text (a plain column: MariaDB's JSON is a text column plus a check constraint).
  @Property({ type: 'text' })
  items!: string;

  @Enum({ items: () => PaymentStatus })
  status: PaymentStatus & Opt = PaymentStatus.PENDING;

  @Property({ type: 'datetime', length: 3, defaultRaw: 'current_timestamp(3)' })
  createdAt: Date & Opt = new Date();

  // Set when the payment becomes PAID.
  @Property({ type: 'datetime', length: 3, nullable: true })
  paidAt?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  publishedAt?: Date | null;

  @Property({ type: 'integer', unsigned: true })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime', length: 3 })
  nextAttemptAt!: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;

  // Times the lost-event check sent its event again (payment_events_resent_total).
  @Property({ type: 'integer', unsigned: true })
  eventsResent: number & Opt = 0;

  @Property({ type: new BigIntType('number'), unsigned: true, nullable: true })
  refundAmount?: number | null;

  @Enum({ items: () => RefundReason, nullable: true })
  refundReason?: RefundReason | null;

  // When the refund was owed (written with the status change that owes it).
  @Property({ type: 'datetime', length: 3, nullable: true })
  refundRequestedAt?: Date | null;

  // When the provider confirmed the refund.
  @Property({ type: 'datetime', length: 3, nullable: true })
  refundedAt?: Date | null;
}
