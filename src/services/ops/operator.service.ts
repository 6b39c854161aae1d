import type { EntityManager } from '@mikro-orm/mysql';
import type { SaleStore } from '../sale/sale-store';
import type { DropCounters, DropCounts } from './drop-counters';

/** The waiting room's figures for a drop; filled in by the room once it exists. */
export interface QueueFigures {
  /** Members waiting in line. */
  waiting: number;
  /** Members admitted to buy since the drop began. */
  admitted: number;
  /** Whether an operator paused admissions, and why. */
  paused: boolean;
  pauseReason: string | null;
}

/**
 * The waiting room plugs in here (see docs/storefront.md, "Operator view"): its figures for a
 * product, or null when the product has no room. Pause and resume are the room's own mutations.
 */
export type QueueSource = (productId: number) => Promise<QueueFigures | null>;

export interface OperatorSnapshot {
  at: Date;
  productId: number;
  /** Live units left (Redis counter); null before the sale's counter exists. */
  remaining: number | null;
  /** Units held by live reservations, not paid yet. */
  inCarts: number;
  /** Units paid whose order the order writer has not written yet. */
  paidAwaitingOrder: number;
  /** Paid → order written, over the product's latest orders (ms); null without orders. */
  orderLagMs: number | null;
  counts: DropCounts;
  queue: QueueFigures | null;
}

/** Orders the lag is averaged over: the product's latest ones. */
const LAG_SAMPLE = 50;

const sum = (values: Map<string, number>) => {
  let total = 0;
  for (const v of values.values()) total += v;
  return total;
};

/**
 * What an operator watches during a drop, read from what already exists: the sale's Redis keys
 * (remaining, holds, paid units), the latest orders in MySQL and this process's DropCounters.
 * One poll reads the product's holds whole (HGETALL), so it is meant for a few admin tabs.
 */
export class OperatorService {
  constructor(
    private readonly saleStore: Pick<SaleStore, 'remaining' | 'heldQuantities' | 'paidQuantities'>,
    private readonly counters: DropCounters,
    private queueSource: QueueSource = async () => null,
  ) {}

  /** How the waiting room reports its figures (called once by the room's wiring). */
  setQueueSource(source: QueueSource): void {
    this.queueSource = source;
  }

  async snapshot(em: EntityManager, productId: number): Promise<OperatorSnapshot> {
    const [remaining, held, paid, orderLagMs, queue] = await Promise.all([
      this.saleStore.remaining(productId),
      this.saleStore.heldQuantities(productId),
      this.saleStore.paidQuantities(productId),
      this.orderLag(em, productId),
      this.queueSource(productId),
    ]);
    return {
      at: new Date(),
      productId,
      remaining,
      inCarts: sum(held),
      paidAwaitingOrder: sum(paid),
      orderLagMs,
      counts: this.counters.of(productId),
      queue,
    };
  }

  /** Average time from payment to written order over the product's latest orders. */
  private async orderLag(em: EntityManager, productId: number): Promise<number | null> {
    const [row] = await em.execute<{ lag_ms: string | number | null }[]>(
      `select avg(timestampdiff(microsecond, p.paid_at, o.created_at)) / 1000 as lag_ms
         from (select i.order_id from order_items i where i.product_id = ?
               order by i.id desc limit ${LAG_SAMPLE}) latest
         join orders o on o.id = latest.order_id
         join payments p on p.id = o.payment_id`,
      [productId],
    );
    return row?.lag_ms == null ? null : Math.max(0, Number(row.lag_ms));
  }
}
