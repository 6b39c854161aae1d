import type { Message } from 'kafkajs';
import { paymentItems, type PaymentItem } from '../../entities/payment.entity';

/**
 * The `payment.completed` event: one paid payment, as the order writer needs it to write the
 * order. It has one shape from the payment row to the topic and back: `fromRow` reads it off a
 * `payments` row, `encode` makes the Kafka message (keyed by reservation id, the event as JSON)
 * and `decode` reads a message back, refusing anything that is not a well-formed event.
 */
export interface PaymentCompletedEvent {
  paymentId: string;
  reservationId: string;
  userId: number;
  items: PaymentItem[];
  totalAmount: number;
  /** ISO-8601 instant. */
  paidAt: string;
}

/** The columns of a `payments` row the event is made of (as the driver returns them). */
export interface PaidPaymentRow {
  id: string;
  reservation_id: string;
  user_id: number | string;
  amount: number | string;
  items: string | PaymentItem[];
  paid_at: Date | string;
}

/** The `payments` columns `fromRow` reads, for a select. */
export const PAID_PAYMENT_COLUMNS = 'id, reservation_id, user_id, amount, items, paid_at';

export function fromRow(row: PaidPaymentRow): PaymentCompletedEvent {
  return {
    paymentId: row.id,
    reservationId: row.reservation_id,
    userId: Number(row.user_id),
    items: paymentItems(row.items),
    totalAmount: Number(row.amount),
    paidAt: new Date(row.paid_at).toISOString(),
  };
}

/**
 * The Kafka message of an event. Keyed by reservation id: one payment's event stays in one
 * partition, and a flash sale of one product still spreads over every partition.
 */
export function encode(event: PaymentCompletedEvent): Message {
  return { key: event.reservationId, value: JSON.stringify(event) };
}

const isId = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isUint = (v: unknown, min = 0) =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= 4_294_967_295;
/** Money in minor units: any safe non-negative integer (the columns are 64-bit). */
const isMoney = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** The event in a message's value, or null when it is not one (malformed: dead-letter it). */
export function decode(value: Buffer | string | null | undefined): PaymentCompletedEvent | null {
  let e: PaymentCompletedEvent;
  try {
    e = JSON.parse(value?.toString() ?? '') as PaymentCompletedEvent;
  } catch {
    return null;
  }
  const ok =
    typeof e === 'object' &&
    e !== null &&
    isId(e.paymentId) &&
    isId(e.reservationId) &&
    isUint(e.userId, 1) &&
    isMoney(e.totalAmount) &&
    Array.isArray(e.items) &&
    e.items.length > 0 &&
    e.items.every(
      (i) =>
        typeof i === 'object' &&
        i !== null &&
        isUint(i.productId, 1) &&
        isUint(i.quantity, 1) &&
        isMoney(i.unitPrice),
    );
  return ok ? e : null;
}
