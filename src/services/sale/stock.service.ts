import type { EntityManager } from '@mikro-orm/mysql';
import { pubSubChannel, publishCommand } from '../../clients/pubsub';
import type { AppRedis } from '../../clients/redis';
import {
  Payment,
  PaymentStatus,
  RefundReason,
  paymentItems,
  type PaymentItem,
} from '../../entities/payment.entity';
import { Product, type SaleState } from '../../entities/product.entity';
import { BadUserInputError, NotFoundError } from '../../errors';
import { TOPICS } from '../../schema/topics';
import { requireListed, saleStateOf } from '../catalog/product.service';

/**
 * Redis keys of one product's sale. The `{id}` hash tag keeps them all in one Cluster slot, so
 * one script can check and change them atomically.
 */
function buildSaleKeys(productId: number) {
  const tag = `sale:{${productId}}`;
  return {
    /** Live remaining units. */
    stock: `${tag}:stock`,
    /** Sale window, limit, price and deleted flag, cached from MySQL with a short TTL. */
    meta: `${tag}:meta`,
    /** Member id → lifetime units held or bought (for the per-member limit). */
    bought: `${tag}:bought`,
    /** Reservation id → units held (live holds). */
    holdQty: `${tag}:holdqty`,
    /** Reservation id scored by its hold expiry (epoch ms), for the sweeper. */
    holds: `${tag}:holds`,
    /** Reservation id → units paid but not yet written as an order. */
    paidQty: `${tag}:paidqty`,
    frameLock: `${tag}:frame`,
    /** The last published stockChanged frame (hash: body, frame). */
    frameState: `${tag}:frame:state`,
    /** Version of the last published frame: only grows (never expires, never reset). */
    version: `${tag}:version`,
    reservation: (reservationId: string) => `${tag}:res:${reservationId}`,
    idempotency: (userId: number, key: string) => `${tag}:idem:${userId}:${key}`,
  };
}

export type SaleKeys = ReturnType<typeof buildSaleKeys>;

// Built once per product: a purchase asks for them several times on the hottest path.
const saleKeysCache = new Map<number, SaleKeys>();

export function saleKeys(productId: number): SaleKeys {
  let keys = saleKeysCache.get(productId);
  if (!keys) {
    if (saleKeysCache.size >= 10_000) saleKeysCache.clear();
    keys = buildSaleKeys(productId);
    saleKeysCache.set(productId, keys);
  }
  return keys;
}

/** Products that have had sale keys built; the sweeper walks their holds. */
export const SALE_PRODUCTS_KEY = 'sale:products';

const META_TTL_MS = 60_000;

/** One `stockChanged` frame as published on Redis pub/sub (stock-frame.lua). */
export interface StockFrame {
  productId: number;
  remaining: number;
  saleState: SaleState;
  soldOut: boolean;
  /** Per product, only grows: a client can tell a missed frame or a reconnect. */
  version: number;
}

/** Whether a frame ends the sale (sent at once, whatever the frame rate). */
export function isFinalFrame(frame: Pick<StockFrame, 'saleState'>): boolean {
  return frame.saleState === 'SOLD_OUT' || frame.saleState === 'ENDED';
}

/**
 * The live stock counters buyers race for, and the sale metadata the reservation script reads.
 * A missing counter (new product, Redis restarted or flushed) is rebuilt from MySQL: durable stock
 * minus live holds minus paid units not yet written as orders. `adjust` changes MySQL and Redis
 * together (restock, cancel, return). `stockChanged` frames are coalesced across instances.
 */
export class StockService {
  private readonly rebuilding = new Map<number, Promise<number | null>>();
  private readonly metaLoading = new Map<number, Promise<void>>();
  private readonly frameTimers = new Map<number, NodeJS.Timeout>();
  /** Products with a frame call in flight → whether their stock was touched meanwhile. */
  private readonly framing = new Map<number, boolean>();
  private stopped = false;

  constructor(
    private readonly redis: AppRedis,
    private readonly keyPrefix = '',
    private readonly frameMs = 100,
  ) {}

  /** Live remaining units of each product, in order; one Redis round trip when all keys exist. */
  async remaining(em: EntityManager, productIds: number[]): Promise<number[]> {
    if (productIds.length === 0) return [];
    const values = await this.redis.mget(...productIds.map((id) => saleKeys(id).stock));
    const missing = productIds.filter((_, i) => values[i] === null);
    const rebuilt = new Map<number, number>();
    if (missing.length) {
      for (const [id, units] of await this.rebuild(em, missing)) rebuilt.set(id, units);
    }
    return productIds.map((id, i) =>
      values[i] === null ? (rebuilt.get(id) ?? 0) : Number(values[i]),
    );
  }

  /** Builds missing counters from MySQL (a counter that exists is never overwritten). */
  async rebuild(em: EntityManager, productIds: number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    for (const id of productIds) {
      const units = await this.reconcile(em, id, false);
      if (units !== null) result.set(id, units);
    }
    return result;
  }

  /**
   * Sets a product's counter to MySQL stock − live holds − paid units not yet written as orders.
   * `force` overwrites a counter that exists (the admin `syncStock`); otherwise only a missing one
   * is built. Returns null for an unknown product. Concurrent calls for one product share a run.
   */
  reconcile(em: EntityManager, productId: number, force: boolean): Promise<number | null> {
    const running = this.rebuilding.get(productId);
    if (running && !force) return running;
    const run = this.computeAndSet(em.fork(), productId, force).finally(() => {
      if (this.rebuilding.get(productId) === run) this.rebuilding.delete(productId);
    });
    this.rebuilding.set(productId, run);
    return run;
  }

  private async computeAndSet(
    em: EntityManager,
    productId: number,
    force: boolean,
  ): Promise<number | null> {
    const keys = saleKeys(productId);
    const paidInRedis = await this.redis.hkeys(keys.paidQty);
    // One transaction: a consistent snapshot of stock and payments (an order written in between
    // moves units from "unwritten" to "out of stock" together).
    const snapshot = await em.transactional(async (tem) => {
      const product = await tem.findOne(Product, { id: productId }, { fields: ['id', 'stock'] });
      if (!product) return null;
      const unwritten = await tem.execute<
        { reservation_id: string; items: string | PaymentItem[] }[]
      >(
        `select p.reservation_id, p.items from payments p left join orders o on o.payment_id = p.id
         where p.status = 'PAID' and o.id is null`,
      );
      const written = paidInRedis.length
        ? await tem.execute<{ reservation_id: string }[]>(
            `select p.reservation_id from payments p join orders o on o.payment_id = p.id
             where p.status in ('PAID', 'REFUNDING', 'REFUNDED') and p.reservation_id in (${paidInRedis.map(() => '?').join(',')})`,
            paidInRedis,
          )
        : [];
      return { stock: product.stock, unwritten, written: written.map((w) => w.reservation_id) };
    });
    if (!snapshot) return null;
    const pairs: (string | number)[] = [];
    for (const row of snapshot.unwritten) {
      const units = paymentItems(row.items)
        .filter((i) => i.productId === productId)
        .reduce((sum, i) => sum + i.quantity, 0);
      if (units > 0) pairs.push(row.reservation_id, units);
    }
    const value = await this.redis.stockRebuild(
      keys.stock,
      keys.holdQty,
      keys.paidQty,
      force ? '1' : '0',
      snapshot.stock,
      pairs.length / 2,
      ...pairs,
      ...snapshot.written,
    );
    this.touch(productId);
    return Number(value);
  }

  /**
   * Caches a product's sale metadata for the reservation script, and rebuilds its buyers'
   * lifetime unit counts from MySQL payments if Redis lost them. NOT_FOUND for an unknown product.
   */
  ensureSaleMeta(em: EntityManager, productId: number): Promise<void> {
    const running = this.metaLoading.get(productId);
    if (running) return running;
    const run = this.loadMeta(em.fork(), productId).finally(() =>
      this.metaLoading.delete(productId),
    );
    this.metaLoading.set(productId, run);
    return run;
  }

  private async loadMeta(em: EntityManager, productId: number): Promise<void> {
    const product = await em.findOne(Product, { id: productId });
    if (!product) throw new NotFoundError('Product', productId);
    const keys = saleKeys(productId);
    const bought: (string | number)[] = [];
    if (product.purchaseLimit != null && !(await this.redis.exists(keys.bought))) {
      const perUser = new Map<number, number>();
      // A cancelled or returned order still counts against the limit (as the live counts do);
      // a payment that never became an order does not (its units were released).
      const payments = await em.find(
        Payment,
        {
          $or: [
            { status: PaymentStatus.PAID },
            {
              status: { $in: [PaymentStatus.REFUNDING, PaymentStatus.REFUNDED] },
              refundReason: { $ne: RefundReason.UNPLACEABLE },
            },
          ],
        },
        { fields: ['user', 'items'] },
      );
      for (const p of payments) {
        const units = paymentItems(p.items)
          .filter((i) => i.productId === productId)
          .reduce((s, i) => s + i.quantity, 0);
        if (units) perUser.set(p.user.id, (perUser.get(p.user.id) ?? 0) + units);
      }
      for (const [user, units] of perUser) bought.push(user, units);
    }
    await this.redis.saleMeta(
      keys.meta,
      keys.bought,
      META_TTL_MS,
      product.saleStartsAt ? product.saleStartsAt.getTime() : '',
      product.saleEndsAt ? product.saleEndsAt.getTime() : '',
      product.purchaseLimit ?? '',
      product.price,
      product.deletedAt ? '1' : '0',
      ...bought,
    );
    await this.redis.sadd(SALE_PRODUCTS_KEY, productId);
  }

  /** Drops the cached sale metadata (after a product's window, limit, price or deletion changes). */
  async invalidate(productId: number): Promise<void> {
    await this.redis.del(saleKeys(productId).meta);
    this.touch(productId);
  }

  /**
   * A product's live level and sale state (NOT_FOUND for an unknown product), with the version
   * of the last published frame.
   */
  async level(em: EntityManager, productId: number) {
    const product = await requireListed(em, productId);
    const [remaining] = await this.remaining(em, [productId]);
    const version = Number((await this.redis.get(saleKeys(productId).version)) ?? 0);
    return {
      productId,
      remaining,
      saleState: saleStateOf(product, remaining),
      soldOut: remaining <= 0,
      version,
    };
  }

  /**
   * The current `stockChanged` frame of a listed product, for a new subscriber (NOT_FOUND for an
   * unknown or unlisted product). It is the last published frame when that still holds, else a
   * new frame published to every subscriber, so one version always carries one value.
   */
  async snapshot(em: EntityManager, productId: number): Promise<StockFrame> {
    const product = await requireListed(em, productId);
    const keys = saleKeys(productId);
    const channel = pubSubChannel(this.keyPrefix, TOPICS.STOCK_CHANGED, productId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const frame = await this.redis.stockFrame(
        keys.stock,
        keys.meta,
        keys.frameLock,
        keys.frameState,
        keys.version,
        this.frameMs,
        channel,
        productId,
        'snapshot',
        publishCommand(this.redis),
        product.saleStartsAt ? product.saleStartsAt.getTime() : '',
        product.saleEndsAt ? product.saleEndsAt.getTime() : '',
      );
      if (typeof frame === 'string') return JSON.parse(frame) as StockFrame;
      // No counter yet (new product, Redis lost it): build it from MySQL and ask again.
      await this.remaining(em, [productId]);
    }
    throw new Error(`no live stock counter for product ${productId}`);
  }

  /** Sets a product's counter from MySQL and live state, overwriting it (admin `syncStock`). */
  async sync(em: EntityManager, productId: number): Promise<number> {
    const value = await this.reconcile(em, productId, true);
    if (value === null) throw new NotFoundError('Product', productId);
    return value;
  }

  /**
   * Adds `delta` units (negative removes) to a product's durable and live stock. A removal is
   * checked first, atomically, against the live counter (counter-add.lua with its guard): units
   * held or paid in the running sale are not on it, so a removal that would cut into them is
   * refused (BAD_USER_INPUT) and nothing changes; MySQL follows only a removal the script made.
   * (Should MySQL then refuse, the units go back on the counter; a crash in between leaves the
   * counter low, never high, until `syncStock`.) Returns the new live figure.
   */
  async adjust(em: EntityManager, productId: number, delta: number): Promise<number> {
    if (!Number.isSafeInteger(delta))
      throw new BadUserInputError('Quantity out of range', 'quantity');
    const counter = saleKeys(productId).stock;
    if (delta >= 0) {
      await this.remaining(em, [productId]);
      await this.adjustDurable(em, productId, delta);
      const value = await this.redis.incrby(counter, delta);
      this.touch(productId);
      return value;
    }
    let value = -1;
    for (let attempt = 0; value === -1; attempt++) {
      if (attempt > 2) throw new Error(`live stock of product ${productId} could not be built`);
      const [live] = await this.remaining(em, [productId]);
      value = await this.redis.counterAdd(counter, delta, '1');
      if (value === -2) {
        throw new BadUserInputError(
          `Only ${live} units can be removed: the rest are held or sold in the running sale`,
          'quantity',
        );
      }
    }
    try {
      await this.adjustDurable(em, productId, delta);
    } catch (err) {
      await this.redis.counterAdd(counter, -delta);
      throw err;
    }
    this.touch(productId);
    return value;
  }

  /**
   * The MySQL half of `adjust`, on `em`'s connection: inside the caller's transaction when `em`
   * is transactional, so the stock change commits or rolls back with it. Pair it with
   * `adjustLive` after the commit.
   */
  async adjustDurable(em: EntityManager, productId: number, delta: number): Promise<void> {
    if (!Number.isSafeInteger(delta))
      throw new BadUserInputError('Quantity out of range', 'quantity');
    const changed = await em.execute<{ affectedRows: number }>(
      'update products set stock = stock + ?, updated_at = now(3) where id = ? and cast(stock as signed) + ? >= 0',
      [delta, productId, delta],
      'run',
    );
    if (changed.affectedRows === 0) {
      if (!(await em.count(Product, { id: productId })))
        throw new NotFoundError('Product', productId);
      throw new BadUserInputError('Stock cannot go below zero', 'quantity');
    }
  }

  /**
   * The Redis half: moves the live counter by `delta` if it exists (a missing one is rebuilt
   * from MySQL, which already has the change) and sends a stock frame.
   */
  async adjustLive(productId: number, delta: number): Promise<void> {
    await this.redis.counterAdd(saleKeys(productId).stock, delta);
    this.touch(productId);
  }

  /**
   * Notes that a product's live stock changed. Frames go out at most once per `frameMs` per
   * product across all instances (a Redis lock decides who sends); the sender looks again after
   * the frame, so the last frame carries the final value.
   */
  touch(productId: number): void {
    if (this.stopped || this.frameTimers.has(productId)) return;
    // A frame already on its way: note the change instead of sending another script call (a
    // sale's burst would otherwise send one per purchase until the first reply is back).
    if (this.framing.has(productId)) this.framing.set(productId, true);
    else void this.frame(productId);
  }

  private async frame(productId: number): Promise<void> {
    this.framing.set(productId, false);
    const keys = saleKeys(productId);
    // The frame script publishes itself, on the channel the pub/sub client listens to.
    const channel = pubSubChannel(this.keyPrefix, TOPICS.STOCK_CHANGED, productId);
    let result: number;
    try {
      result = Number(
        await this.redis.stockFrame(
          keys.stock,
          keys.meta,
          keys.frameLock,
          keys.frameState,
          keys.version,
          this.frameMs,
          channel,
          productId,
          'frame',
          publishCommand(this.redis),
        ),
      );
    } catch {
      this.framing.delete(productId);
      return;
    }
    const changedSince = this.framing.get(productId) === true;
    this.framing.delete(productId);
    if (this.stopped || this.frameTimers.has(productId)) return;
    // Nothing new to publish and nothing changed while asking: the last frame is final.
    if (result === -2 && !changedSince) return;
    const timer = setTimeout(() => {
      this.frameTimers.delete(productId);
      void this.frame(productId);
    }, this.frameMs + 5);
    timer.unref();
    this.frameTimers.set(productId, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.frameTimers.values()) clearTimeout(t);
    this.frameTimers.clear();
  }
}
