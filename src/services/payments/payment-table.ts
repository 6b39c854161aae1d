import type { EntityManager } from '@mikro-orm/mysql';
import { PaymentStatus, RefundReason, type PaymentItem } from '../../entities/payment.entity';
import type { ClaimOptions } from '../common/outbox-relay';
import { CHARGED_STATUSES, statusIs, transition, transitionSet } from './payment-transitions';
import { PAID_PAYMENT_COLUMNS } from './payment-completed';

export * from './payment-transitions';

/** The columns of a row as the payment paths read it. */
export const ROW_COLUMNS =
  'id, reservation_id, user_id, amount, items, status, created_at, paid_at';

/** A paid row, locked, as the order writer builds an order from it. */
export interface LockedPaidRow {
  id: string;
  reservation_id: string;
  user_id: number;
  amount: number | string;
  items: string | PaymentItem[];
}

/** A payment with its order (if any), as the audit reads it. */
export interface AuditRow {
  id: string;
  reservation_id: string;
  status: PaymentStatus;
  amount: number | string;
  items: string | PaymentItem[];
  refund_amount: number | string | null;
  refund_reason: RefundReason | null;
  created_at: Date | string;
  paid_at: Date | string | null;
  refund_requested_at: Date | string | null;
  order_id: number | null;
  order_status: string | null;
  order_total: number | string | null;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * The statements on `payments` that run inside another service's transaction (on its entity
 * manager): the order writer's lock of paid rows, the refund owed with a cancel or a refusal,
 * the stock rebuild's snapshot. The group-committed writes of `pay` are in records.ts, which
 * builds its updates from the same transitions.
 */
export const paymentTable = {
  /**
   * The PAID rows among `ids`, locked until the transaction ends (FOR UPDATE): an order is written
   * only for these, and from them. A row being owed a refund waits for the lock, then sees the
   * order; a refunded, void or unknown payment is not among them.
   */
  lockPaid(em: EntityManager, ids: string[]): Promise<LockedPaidRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.execute<LockedPaidRow[]>(
      `select id, reservation_id, user_id, amount, items from payments
       where id in (${marks(ids.length)}) and ${statusIs(PaymentStatus.PAID)}
       order by id for update`,
      ids,
    );
  },

  /**
   * PAID → REFUNDING: the refund of a payment is owed, in one statement for every cause. For an
   * order (`orderId`: a cancel or a return) the payment is the order's; for a paid payment that
   * cannot become an order (`paymentId`, reason UNPLACEABLE) only while it has no order. False when
   * nothing moved (already owed or refunded, or the order was written meanwhile).
   */
  async oweRefund(
    em: EntityManager,
    target: { orderId: number } | { paymentId: string },
    reason: RefundReason,
    why: string | null = null,
  ): Promise<boolean> {
    const set = `p.refund_amount = p.amount, p.refund_reason = ?, p.refund_requested_at = now(3),
      p.next_attempt_at = now(3), p.attempts = 0, p.last_error = ?`;
    const statement =
      'orderId' in target
        ? `update payments p join orders o on o.payment_id = p.id ${transition(
            PaymentStatus.PAID,
            PaymentStatus.REFUNDING,
            { alias: 'p', set, where: 'o.id = ?' },
          )}`
        : `update payments p ${transition(PaymentStatus.PAID, PaymentStatus.REFUNDING, {
            alias: 'p',
            set,
            where: 'p.id = ? and not exists (select 1 from orders o where o.payment_id = p.id)',
          })}`;
    const id = 'orderId' in target ? target.orderId : target.paymentId;
    const res = await em.execute<{ affectedRows: number }>(
      statement,
      [reason, why?.slice(0, 500) ?? null, id],
      'run',
    );
    return res.affectedRows === 1;
  },

  /** Why a payment was refunded, or undefined for an unknown payment. */
  async refundReasonOf(em: EntityManager, paymentId: string): Promise<string | null | undefined> {
    const [row] = await em.execute<{ refund_reason: string | null }[]>(
      'select refund_reason from payments where id = ?',
      [paymentId],
    );
    return row ? row.refund_reason : undefined;
  },

  /**
   * For the stock rebuild, in its snapshot transaction: the paid payments not yet written as
   * orders (reservation id, items), and which of `reservationIds` were written as orders.
   */
  async unwrittenAndWritten(
    em: EntityManager,
    reservationIds: string[],
  ): Promise<{
    unwritten: { reservation_id: string; items: string | PaymentItem[] }[];
    written: string[];
  }> {
    const unwritten = await em.execute<{ reservation_id: string; items: string | PaymentItem[] }[]>(
      `select p.reservation_id, p.items from payments p left join orders o on o.payment_id = p.id
       where ${statusIs(PaymentStatus.PAID, 'p')} and o.id is null`,
    );
    const written = reservationIds.length
      ? await em.execute<{ reservation_id: string }[]>(
          `select p.reservation_id from payments p join orders o on o.payment_id = p.id
           where p.status in (${CHARGED_STATUSES.map((s) => `'${s}'`).join(', ')})
             and p.reservation_id in (${marks(reservationIds.length)})`,
          reservationIds,
        )
      : [];
    return { unwritten, written: written.map((w) => w.reservation_id) };
  },

  /** The reservations among `reservationIds` that have a PAID payment in MySQL, with its id. */
  async paidOf(em: EntityManager, reservationIds: string[]): Promise<Map<string, string>> {
    if (!reservationIds.length) return new Map();
    const rows = await em.execute<{ id: string; reservation_id: string }[]>(
      `select id, reservation_id from payments
       where reservation_id in (${marks(reservationIds.length)}) and ${statusIs(PaymentStatus.PAID)}`,
      reservationIds,
    );
    return new Map(rows.map((r) => [r.reservation_id, r.id]));
  },

  /**
   * The audit's pages: payments by id after `afterId` (or exactly `ids`), each joined with its
   * order; the reservations with several charged-or-tried attempts; orders with no payment row.
   */
  auditPage(
    em: EntityManager,
    afterId: string,
    limit: number,
    ids?: string[],
  ): Promise<AuditRow[]> {
    const where = ids ? `p.id in (${marks(ids.length)})` : 'p.id > ?';
    return em.execute<AuditRow[]>(
      `select p.id, p.reservation_id, p.status, p.amount, p.items, p.refund_amount, p.refund_reason,
         p.created_at, p.paid_at, p.refund_requested_at,
         o.id as order_id, o.status as order_status, o.total_amount as order_total
       from payments p left join orders o on o.payment_id = p.id
       where ${where} order by p.id limit ?`,
      [...(ids ?? [afterId]), limit],
    );
  },

  async severalAttempts(
    em: EntityManager,
    afterReservation: string,
    limit: number,
  ): Promise<{ reservation_id: string; ids: string[] }[]> {
    const rows = await em.execute<{ reservation_id: string; ids: string }[]>(
      `select reservation_id, group_concat(id) as ids from payments
       where reservation_id > ? and status <> '${PaymentStatus.DECLINED}'
       group by reservation_id having count(*) > 1 order by reservation_id limit ?`,
      [afterReservation, limit],
    );
    return rows.map((r) => ({ reservation_id: r.reservation_id, ids: r.ids.split(',') }));
  },

  orphanOrders(
    em: EntityManager,
    afterOrderId: number,
    limit: number,
  ): Promise<{ id: number; payment_id: string; reservation_id: string; status: string }[]> {
    return em.execute(
      `select o.id, o.payment_id, o.reservation_id, o.status from orders o
       left join payments p on p.id = o.payment_id
       where p.id is null and o.id > ? order by o.id limit ?`,
      [afterOrderId, limit],
    );
  },

  /** Which of `ids` have a payments row. */
  async existing(em: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await em.execute<{ id: string }[]>(
      `select id from payments where id in (${marks(ids.length)})`,
      ids,
    );
    return new Set(rows.map((r) => r.id));
  },

  /**
   * The lost-event check: PAID payments whose event was acknowledged in [since, before) and that
   * have no order; and sending such events again (at most once: `events_resent`).
   */
  unwrittenPublished(
    em: EntityManager,
    since: Date,
    before: Date,
    limit: number,
  ): Promise<{ id: string; reservation_id: string; events_resent: number }[]> {
    return em.execute(
      `select p.id, p.reservation_id, p.events_resent from payments p
       where ${statusIs(PaymentStatus.PAID, 'p')} and p.published_at >= ? and p.published_at < ?
         and not exists (select 1 from orders o where o.payment_id = p.id)
       limit ${Number(limit)}`,
      [since, before],
    );
  },

  async requeueEvents(em: EntityManager, ids: string[], before: Date): Promise<number> {
    if (!ids.length) return 0;
    const res = await em.execute<{ affectedRows: number }>(
      `update payments
       set published_at = null, next_attempt_at = now(3), attempts = 0,
         events_resent = events_resent + 1
       where id in (${marks(ids.length)}) and ${statusIs(PaymentStatus.PAID)} and published_at < ?
         and events_resent = 0`,
      [...ids, before],
      'run',
    );
    return res.affectedRows;
  },
};

/** The table, columns and pending condition of one outbox over `payments`, with its lease. */
type PaymentClaim = Omit<ClaimOptions, 'limit'>;

/**
 * The three outboxes the `payments` rows are (claimed by `claimDue` / `OutboxRelay`, which guard
 * every update with `pending`): their conditions and delivered moves are the table's, read here.
 */
export const paymentOutboxes = {
  /**
   * Refunds owed (REFUNDING), claimed in the order of the status index without sorting
   * (published or not, their events are out already), so concurrent workers each get their own;
   * a delivered one moves REFUNDING → REFUNDED.
   */
  refundsOwed(leaseMs: number): PaymentClaim & { delivered: string } {
    return {
      table: 'payments',
      columns: 'id, refund_amount, attempts',
      pending: statusIs(PaymentStatus.REFUNDING),
      orderBy: 'published_at, next_attempt_at',
      leaseMs,
      delivered: transitionSet(
        PaymentStatus.REFUNDING,
        PaymentStatus.REFUNDED,
        'refunded_at = now(3)',
      ),
    };
  },

  /** PAID rows whose `payment.completed` event Kafka has not acknowledged yet. */
  eventsUnpublished(leaseMs: number): PaymentClaim & { delivered: string } {
    return {
      table: 'payments',
      columns: `${PAID_PAYMENT_COLUMNS}, attempts`,
      pending: `${statusIs(PaymentStatus.PAID)} and published_at is null`,
      leaseMs,
      delivered: 'published_at = now(3)',
    };
  },

  /** PENDING rows for the recovery (settled by guarded transitions, not by a delivered SET). */
  pendingAttempts(leaseMs: number): PaymentClaim {
    return {
      table: 'payments',
      columns: ROW_COLUMNS,
      // published_at is null on every PENDING row; it lets the scan use the whole status index.
      pending: `${statusIs(PaymentStatus.PENDING)} and published_at is null`,
      leaseMs,
    };
  },
};
