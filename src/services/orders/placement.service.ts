import {
  DriverException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../config';
import { OrderStatus } from '../../entities/order.entity';
import { paymentItems, type PaymentItem } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { paymentTable } from '../payments/payment-table';
import type { SaleStore } from '../sale/sale-store';
import { stepDueAfter } from './lifecycle.service';
import type { OrderStatusNotifier } from './status-notifier';

/** A paid payment to be written as an order. */
export interface PaidPayment {
  paymentId: string;
  reservationId: string;
  userId: number;
  totalAmount: number;
  items: PaymentItem[];
}

/** One order written by `place`. */
export interface PlacedOrder {
  orderId: number;
  paymentId: string;
  reservationId: string;
  userId: number;
}

/** A paid payment that can never become an order as it is (its stock guard refuses it). */
export class UnplaceableOrder extends Error {}

/**
 * True when `err` from `place` means the batch can never be written as it is (stock refused, an
 * unknown member or product, a value out of range): retrying it changes nothing.
 */
export const isUnplaceable = (err: unknown): boolean =>
  err instanceof UnplaceableOrder ||
  err instanceof ForeignKeyConstraintViolationException ||
  err instanceof NotNullConstraintViolationException ||
  (err instanceof DriverException && [1264, 1406, 1690, 3140].includes(Number(err.errno)));

/**
 * Writes paid payments as orders: one lean MySQL transaction per batch holds the durable stock
 * decrement, the orders, their items and each order's first status change (null → PLACED, by
 * SYSTEM), all as multi-row statements. A message is only a hint: the transaction reads and locks
 * the payments rows it names, and writes an order only for a row that is PAID, built from the row
 * (amount, items, member), so a replayed event of a refunded payment or a forged one writes
 * nothing (it is skipped and counted in `orders_payments_skipped_total`). It is idempotent by the
 * unique payment id (and reservation id): a payment that already has an order is skipped, so a
 * replayed batch writes nothing twice. After the
 * commit the live counters' "paid, not yet written" entries are settled, the reservation records
 * get their order id, and the owners hear of their new orders.
 */
export class OrderPlacementService {
  private readonly skipped: Counter<'reason'>;

  constructor(
    private readonly em: EntityManager,
    private readonly saleStore: SaleStore,
    private readonly orderStatus: OrderStatusNotifier,
    private readonly orders: Config['orders'],
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.skipped = new Counter({
      name: 'orders_payments_skipped_total',
      help: 'Payment events not written as orders because their payment is not PAID in MySQL (refunded, void, unknown: a replay or a forgery)',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    this.skipped.inc({ reason: 'NOT_PAID' }, 0);
  }

  /**
   * Writes the payments not written yet as orders placed at `at`; returns the orders it created.
   * Throws `UnplaceableOrder` (or another `isUnplaceable` error) when the batch can never be
   * written as it is, and nothing of the batch is written then.
   */
  async place(payments: PaidPayment[], at = new Date()): Promise<PlacedOrder[]> {
    if (!payments.length) return [];
    const { placed, paid } = await this.em
      .fork()
      .transactional((em) => this.write(em, payments, at));
    await this.settleLive(paid, placed);
    if (placed.length)
      await this.orderStatus
        .notify(
          placed.map((o) => ({
            orderId: o.orderId,
            userId: o.userId,
            from: null,
            to: OrderStatus.PLACED,
            at: at.toISOString(),
            changeId: o.changeId,
            actor: 'SYSTEM',
          })),
        )
        .catch((err: unknown) => this.logger.warn({ err }, 'order notify failed'));
    return placed.map(({ changeId: _, ...order }) => order);
  }

  private async write(
    em: EntityManager,
    payments: PaidPayment[],
    at: Date,
  ): Promise<{ placed: (PlacedOrder & { changeId: number })[]; paid: PaidPayment[] }> {
    const ids = [...new Set(payments.map((p) => p.paymentId))];
    // The rows, not the messages: locked, so a refund owed concurrently waits for this order.
    const paid = new Map<string, PaidPayment>(
      (await paymentTable.lockPaid(em, ids)).map((row) => [
        row.id,
        {
          paymentId: row.id,
          reservationId: row.reservation_id,
          userId: Number(row.user_id),
          totalAmount: Number(row.amount),
          items: paymentItems(row.items),
        },
      ]),
    );
    const unpaid = ids.filter((id) => !paid.has(id));
    const existing = new Set(
      (
        await em.execute<{ payment_id: string }[]>(
          `select payment_id from orders where payment_id in (${ids.map(() => '?').join(',')})`,
          ids,
        )
      ).map((o) => o.payment_id),
    );
    const fresh: PaidPayment[] = [];
    const units = new Map<number, number>();
    const notPaid = unpaid.filter((id) => !existing.has(id));
    if (notPaid.length) {
      this.skipped.inc({ reason: 'NOT_PAID' }, notPaid.length);
      this.logger.error(
        { paymentIds: notPaid },
        'payment events skipped: their payments are not PAID (replayed after a refund, or forged)',
      );
    }
    for (const id of ids) {
      const payment = paid.get(id);
      if (!payment || existing.has(id)) continue;
      existing.add(id);
      fresh.push(payment);
      for (const item of payment.items)
        units.set(item.productId, (units.get(item.productId) ?? 0) + item.quantity);
    }
    if (!fresh.length) return { placed: [], paid: [...paid.values()] };
    const now = new Date();
    const next = stepDueAfter(this.orders, OrderStatus.PLACED, at);
    // Stock first, products in id order: the row locks are taken before the order rows' foreign
    // key checks, in one order across writers, so concurrent batches queue instead of deadlocking.
    for (const [productId, qty] of [...units].sort((a, b) => a[0] - b[0])) {
      const res = await em.execute<{ affectedRows: number }>(
        'update products set stock = stock - ?, updated_at = ? where id = ? and stock >= ?',
        [qty, now, productId, qty],
        'run',
      );
      if (res.affectedRows !== 1)
        throw new UnplaceableOrder(`product ${productId} has fewer than ${qty} units`);
    }
    // One INSERT of n rows gets n consecutive auto-increment ids (innodb_autoinc_lock_mode ≤ 1),
    // as MikroORM also assumes.
    const inserted = await em.execute<{ insertId: number }>(
      `insert into orders (created_at, updated_at, user_id, payment_id, reservation_id, status, total_amount, placed_at, next_transition_at, version)
       values ${fresh.map(() => `(?, ?, ?, ?, ?, 'PLACED', ?, ?, ?, 1)`).join(',')}`,
      fresh.flatMap((p) => [
        now,
        now,
        p.userId,
        p.paymentId,
        p.reservationId,
        p.totalAmount,
        at,
        next,
      ]),
      'run',
    );
    const orderIds = fresh.map((_, i) => Number(inserted.insertId) + i);
    const lines = fresh.flatMap((p, i) =>
      p.items.map((item) => [orderIds[i], item.productId, item.quantity, item.unitPrice]),
    );
    await em.execute(
      `insert into order_items (order_id, product_id, quantity, unit_price) values ${lines.map(() => '(?, ?, ?, ?)').join(',')}`,
      lines.flat(),
      'run',
    );
    // The first status change is born with its order.
    const changes = await em.execute<{ insertId: number }>(
      `insert into order_status_changes (order_id, \`from\`, \`to\`, \`at\`, actor, recorded_at)
       values ${fresh.map(() => `(?, null, 'PLACED', ?, 'SYSTEM', ?)`).join(',')}`,
      orderIds.flatMap((id) => [id, at, now]),
      'run',
    );
    const placed = fresh.map((p, i) => ({
      orderId: orderIds[i],
      paymentId: p.paymentId,
      reservationId: p.reservationId,
      userId: p.userId,
      changeId: Number(changes.insertId) + i,
    }));
    return { placed, paid: [...paid.values()] };
  }

  /**
   * After the commit: the units of every PAID payment of the batch (new or replayed) leave the live
   * counters' "paid, not yet written" entries, and each new order's reservation record gets its
   * order id. A failure is logged: the stock rebuild reconciles the counters from MySQL.
   */
  private async settleLive(payments: PaidPayment[], placed: PlacedOrder[]): Promise<void> {
    await this.saleStore.reservations
      .settleWritten(payments, placed)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not settle paid units in Redis'));
  }
}
