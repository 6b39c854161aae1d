import type { FilterQuery } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { loader, type RequestContext, type Viewer } from '../../context';
import { Order, OrderStatus } from '../../entities/order.entity';
import { Payment, type PaymentStatus, type RefundReason } from '../../entities/payment.entity';
import { Role } from '../../entities/user.entity';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../errors';
import { decodeCursor, toConnection, type Connection } from '../../schema/pagination';
import type { OrderLifecycleService } from './lifecycle.service';

const PAYMENT_LOADER = 'order.payment';

/** An order's payment and refund state. */
export interface OrderPaymentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  paidAt: Date | null;
  refundAmount: number | null;
  refundReason: RefundReason | null;
  refundRequestedAt: Date | null;
  refundedAt: Date | null;
}

/** A status change the owner asked for and may not make (returned as data, not thrown). */
export interface RefusedTransition {
  refused: true;
  from: OrderStatus;
  to: OrderStatus;
  message: string;
}

export const isRefused = (value: Order | RefusedTransition): value is RefusedTransition =>
  'refused' in value && value.refused === true;

/**
 * A member's orders: reading them (owner or admin) and the changes the owner may make, cancel
 * and return. Unknown orders and other members' orders are NOT_FOUND alike; a change the order's
 * status or return window does not allow is a `RefusedTransition`.
 */
export class OrderService {
  constructor(private readonly lifecycle: OrderLifecycleService) {}

  /** The viewer's orders, newest first, optionally only some statuses. */
  async myOrders(
    ctx: RequestContext,
    viewer: Viewer,
    args: { first: number; after?: string | null; status?: OrderStatus[] | null },
  ): Promise<Connection<Order>> {
    const where: FilterQuery<Order> = { user: viewer.userId };
    if (args.status?.length) where.status = { $in: args.status };
    const total = await ctx.em.count(Order, where);
    const page: FilterQuery<Order> = { ...where };
    if (args.after) {
      const [placedAt, id] = decodeCursor(args.after, 2);
      const at = typeof placedAt === 'string' ? new Date(placedAt) : new Date(NaN);
      if (Number.isNaN(at.getTime()) || !Number.isSafeInteger(id))
        throw new BadUserInputError('Malformed cursor', 'after');
      page.$or = [{ placedAt: { $lt: at } }, { placedAt: at, id: { $lt: id as number } }];
    }
    const rows = await ctx.em.find(Order, page, {
      orderBy: { placedAt: 'desc', id: 'desc' },
      limit: args.first + 1,
    });
    return toConnection(rows, args.first, total, (o) => [o.placedAt.toISOString(), o.id]);
  }

  /** An order its owner or an admin may read; NOT_FOUND for anyone else, as for a missing one. */
  async order(
    ctx: RequestContext,
    viewer: Viewer,
    id: string | number,
    field = 'id',
  ): Promise<Order> {
    const orderId = parseId(id, field);
    const order = await ctx.em.findOne(Order, orderId);
    if (!order || (order.user.id !== viewer.userId && viewer.role !== Role.ADMIN)) {
      throw new NotFoundError('Order', id);
    }
    return order;
  }

  /**
   * The order's payment and refund state (for an order the caller may read), batched per request
   * into one query however many orders a page shows.
   */
  async paymentOf(ctx: RequestContext, order: Order): Promise<OrderPaymentView> {
    const p = await loader(
      ctx,
      PAYMENT_LOADER,
      () =>
        new DataLoader<string, Payment | undefined>(async (ids) => {
          const rows = await ctx.em.find(Payment, { id: { $in: [...ids] } });
          const byId = new Map(rows.map((r) => [r.id, r]));
          return ids.map((id) => byId.get(id));
        }),
    ).load(order.paymentId);
    if (!p) throw new NotFoundError('Payment of order', order.id);
    return {
      id: p.id,
      status: p.status,
      amount: p.amount,
      paidAt: p.paidAt ?? null,
      refundAmount: p.refundAmount ?? null,
      refundReason: p.refundReason ?? null,
      refundRequestedAt: p.refundRequestedAt ?? null,
      refundedAt: p.refundedAt ?? null,
    };
  }

  /** What the owner may do with the order now. */
  nextStatuses(order: Order, now = new Date()): OrderStatus[] {
    return this.lifecycle.ownerOptions(order, now);
  }

  /**
   * The owner's change to `to`: CANCELLED while placed (stock back at once), RETURN_REQUESTED
   * inside the return window (stock back once RETURNED). Any other is a `RefusedTransition`.
   */
  async ownerChange(
    ctx: RequestContext,
    viewer: Viewer,
    orderId: string | number,
    to: OrderStatus,
  ): Promise<Order | RefusedTransition> {
    const order = await this.order(ctx, viewer, orderId, 'orderId');
    // Admins may read any order, but only its owner cancels or returns it.
    if (order.user.id !== viewer.userId)
      throw new ForbiddenError('Only the order’s owner can do this');
    const now = new Date();
    const refusal = this.lifecycle.ownerRefusal(order, to, now);
    if (refusal) return { refused: true, from: order.status, to, message: refusal };

    const applied = await this.lifecycle.transition(ctx.em, {
      orderId: order.id,
      userId: order.user.id,
      from: order.status,
      version: order.version,
      to,
      at: now,
      actor: 'OWNER',
    });
    const fresh = (await ctx.em.refresh(order)) ?? order;
    if (applied) return fresh;
    // Another change won the race (a second request, the scheduler); say what the order is now.
    return {
      refused: true,
      from: fresh.status,
      to,
      message:
        this.lifecycle.ownerRefusal(fresh, to, new Date()) ??
        'The order changed meanwhile; try again',
    };
  }
}

function parseId(id: string | number, field: string): number {
  const value = typeof id === 'number' ? id : /^\d{1,10}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new BadUserInputError('Not an order id', field);
  return value;
}
