import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { Order, OrderItem, OrderStatus, OrderStatusChange } from '../../entities/order.entity';
import { RefundReason } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import type { OrderStatusNotifier } from './status-notifier';
import type { PaymentRefundService } from '../payments/refund.service';
import type { StockService } from '../sale/stock.service';

/** Who made a status change: the scheduler (or the order writer), the order's owner, an admin. */
export type OrderActor = 'SYSTEM' | 'OWNER' | 'ADMIN';

/** The step the scheduler applies once an order has sat in a status for its configured delay. */
export const AUTOMATIC_NEXT: Partial<Record<OrderStatus, OrderStatus>> = {
  [OrderStatus.PLACED]: OrderStatus.SHIPPING,
  [OrderStatus.SHIPPING]: OrderStatus.DELIVERED,
  [OrderStatus.DELIVERED]: OrderStatus.COMPLETED,
  [OrderStatus.RETURN_REQUESTED]: OrderStatus.RETURNED,
};

/** What the owner may ask for from a status (while its automatic step is not due, for a return). */
export const OWNER_NEXT: Partial<Record<OrderStatus, OrderStatus>> = {
  [OrderStatus.PLACED]: OrderStatus.CANCELLED,
  [OrderStatus.DELIVERED]: OrderStatus.RETURN_REQUESTED,
};

/** Entering one of these puts the order's units back on sale and refunds its payment. */
const RESTOCKING = new Set([OrderStatus.CANCELLED, OrderStatus.RETURNED]);
const REFUND_REASON: Partial<Record<OrderStatus, RefundReason>> = {
  [OrderStatus.CANCELLED]: RefundReason.CANCELLED,
  [OrderStatus.RETURNED]: RefundReason.RETURNED,
};

/** The part of an order its status rules look at. */
export interface OrderState {
  status: OrderStatus;
  nextTransitionAt?: Date | null;
}

/** One requested change; `from` and `version` are what the caller read, and what the update checks. */
export interface TransitionRequest {
  orderId: number;
  userId: number;
  from: OrderStatus;
  version: number;
  to: OrderStatus;
  /** When the step takes effect: the due time for scheduled steps, now for owner requests. */
  at: Date;
  actor: OrderActor;
  /**
   * Scheduler claims: lock the row with `FOR UPDATE SKIP LOCKED` (another instance holding it
   * means it is being handled) and apply only if the step is due by this instant.
   */
  claimDueBy?: Date;
}

/** When the automatic step after entering `status` at `at` is due; null if none follows. */
export function stepDueAfter(
  durations: Config['orders'],
  status: OrderStatus,
  at: Date,
): Date | null {
  const seconds = {
    [OrderStatus.PLACED]: durations.shippingAfterSeconds,
    [OrderStatus.SHIPPING]: durations.deliveredAfterSeconds,
    [OrderStatus.DELIVERED]: durations.returnWindowSeconds,
    [OrderStatus.RETURN_REQUESTED]: durations.returnCompletesAfterSeconds,
  }[status as string];
  return seconds === undefined ? null : new Date(at.getTime() + seconds * 1000);
}

/**
 * The order status machine. `transition` is the only way an order changes status: a guarded
 * update (`status` and `version` as read) plus a history row in one transaction (with, for a cancel
 * or a return, the durable restock and the owed refund), then, after commit, the live stock
 * restore and the notifications. `applyDue` is one
 * scheduler pass over the due steps stored in MySQL. A lost race returns false, never an error.
 */
export class OrderLifecycleService {
  constructor(
    private readonly config: Config['orders'],
    private readonly stock: StockService,
    private readonly notifier: OrderStatusNotifier,
    private readonly refunds: PaymentRefundService,
    private readonly logger: Logger,
  ) {}

  /** When the automatic step after entering `status` at `at` is due; null if none follows. */
  dueAfter(status: OrderStatus, at: Date): Date | null {
    return stepDueAfter(this.config, status, at);
  }

  /** What the owner may do with the order at `now`: a cancel while placed, a return inside the window. */
  ownerOptions(order: OrderState, now = new Date()): OrderStatus[] {
    const to = OWNER_NEXT[order.status];
    if (!to) return [];
    if (
      to === OrderStatus.RETURN_REQUESTED &&
      !(order.nextTransitionAt && order.nextTransitionAt > now)
    )
      return [];
    return [to];
  }

  /** Why the owner may not move the order to `to` at `now`, or null when they may. */
  ownerRefusal(order: OrderState, to: OrderStatus, now = new Date()): string | null {
    if (this.ownerOptions(order, now).includes(to)) return null;
    if (to === OrderStatus.RETURN_REQUESTED && order.status === OrderStatus.DELIVERED) {
      return `The return window closed at ${order.nextTransitionAt?.toISOString() ?? 'delivery'}`;
    }
    if (to === OrderStatus.CANCELLED)
      return `An order can be cancelled only before it ships; it is ${order.status}`;
    if (to === OrderStatus.RETURN_REQUESTED)
      return `Only a delivered order can be returned; it is ${order.status}`;
    return `An order cannot go from ${order.status} to ${to}`;
  }

  /**
   * Applies one status change: `UPDATE orders … WHERE id AND status AND version` and the history
   * row in one transaction; after commit, restores stock (cancel, return) and notifies. Returns
   * false when the order was no longer as read (another change won) or, for a scheduler claim,
   * is locked by another instance or not due.
   */
  async transition(em: EntityManager, req: TransitionRequest): Promise<boolean> {
    const allowed = req.actor === 'SYSTEM' ? AUTOMATIC_NEXT[req.from] : OWNER_NEXT[req.from];
    if (allowed !== req.to)
      throw new Error(`No ${req.actor} transition from ${req.from} to ${req.to}`);
    const nextTransitionAt = this.dueAfter(req.to, req.at);
    // A return applies only while the end of the window (the automatic step) is still ahead.
    const beforeDue = req.to === OrderStatus.RETURN_REQUESTED;

    // Products whose stock this change adjusts, marked in flight until the counter follows.
    const adjusting: number[] = [];
    try {
      return await this.applyTransition(em, req, nextTransitionAt, beforeDue, adjusting);
    } finally {
      for (const productId of adjusting) await this.stock.endAdjustment(productId);
    }
  }

  private async applyTransition(
    em: EntityManager,
    req: TransitionRequest,
    nextTransitionAt: Date | null | undefined,
    beforeDue: boolean,
    adjusting: number[],
  ): Promise<boolean> {
    const applied = await em.fork().transactional(async (tem) => {
      if (req.claimDueBy) {
        const claimed = await tem.findOne(
          Order,
          {
            id: req.orderId,
            status: req.from,
            version: req.version,
            nextTransitionAt: { $lte: req.claimDueBy },
          },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, fields: ['id'] },
        );
        if (!claimed) return null;
      }
      // The guard: nothing happens unless the order is still exactly as the caller read it.
      const changed = await tem.nativeUpdate(
        Order,
        {
          id: req.orderId,
          status: req.from,
          version: req.version,
          ...(beforeDue ? { nextTransitionAt: { $gt: req.at } } : {}),
        },
        { status: req.to, version: req.version + 1, nextTransitionAt, updatedAt: new Date() },
      );
      if (changed !== 1) return null;
      const changeId = await tem.insert(OrderStatusChange, {
        order: req.orderId,
        from: req.from,
        to: req.to,
        at: req.at,
        actor: req.actor,
        recordedAt: new Date(),
      });
      // Units come back, and the refund is owed, in the same transaction as the status change:
      // all or nothing (the refund worker gives the money back after the commit).
      const restocked = RESTOCKING.has(req.to)
        ? await this.restockDurable(tem, req.orderId, adjusting)
        : [];
      const refund = REFUND_REASON[req.to];
      if (refund) await this.refunds.owe(tem, req.orderId, refund);
      return { changeId: Number(changeId), restocked };
    });
    if (!applied) return false;

    for (const { productId, quantity } of applied.restocked) {
      await this.stock.adjustLive(productId, quantity).catch((err: unknown) =>
        // The counter is rebuilt from MySQL (which has the units) by syncStock or when missing.
        this.logger.error({ err, orderId: req.orderId, productId }, 'live stock restore failed'),
      );
    }
    await this.notifier
      .notify([
        {
          orderId: req.orderId,
          userId: req.userId,
          from: req.from,
          to: req.to,
          at: req.at.toISOString(),
          changeId: applied.changeId,
          actor: req.actor,
        },
      ])
      .catch((err: unknown) =>
        this.logger.warn({ err, orderId: req.orderId }, 'order status notification failed'),
      );
    return true;
  }

  /**
   * One scheduler pass: applies up to `limit` due automatic steps, oldest due first. Each step is
   * recorded at its due time, so a scheduler that was down catches up with the history it would
   * have written, in order (an order several steps behind advances one step per pass). Returns
   * how many steps this instance applied.
   */
  async applyDue(em: EntityManager, now = new Date(), limit = 100): Promise<number> {
    const due = await em.fork().find(
      Order,
      {
        status: { $in: Object.keys(AUTOMATIC_NEXT) as OrderStatus[] },
        nextTransitionAt: { $lte: now },
      },
      {
        orderBy: { nextTransitionAt: 'asc', id: 'asc' },
        limit,
        fields: ['id', 'user', 'status', 'version', 'nextTransitionAt'],
      },
    );
    let applied = 0;
    for (const order of due) {
      const done = await this.transition(em, {
        orderId: order.id,
        userId: order.user.id,
        from: order.status,
        version: order.version,
        to: AUTOMATIC_NEXT[order.status as OrderStatus]!,
        at: order.nextTransitionAt!,
        actor: 'SYSTEM',
        claimDueBy: now,
      });
      if (done) applied++;
    }
    return applied;
  }

  /** Puts a cancelled or returned order's units back in MySQL, in product order (lock order). */
  private async restockDurable(
    em: EntityManager,
    orderId: number,
    adjusting: number[],
  ): Promise<{ productId: number; quantity: number }[]> {
    const items = await em.find(
      OrderItem,
      { order: orderId },
      { fields: ['product', 'quantity'], orderBy: { product: 'asc', id: 'asc' } },
    );
    const units = items.map((item) => ({ productId: item.product.id, quantity: item.quantity }));
    for (const { productId, quantity } of units) {
      // In flight from before the MySQL change to after the counter's (or the rollback).
      await this.stock.beginAdjustment(productId);
      adjusting.push(productId);
      await this.stock.adjustDurable(em, productId, quantity);
    }
    return units;
  }
}
