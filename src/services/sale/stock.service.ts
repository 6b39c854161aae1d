import type { EntityManager } from '@mikro-orm/mysql';
import { unitsOfProduct } from '../../entities/payment.entity';
import { Product } from '../../entities/product.entity';
import { paymentTable } from '../payments/payment-table';
import { setTimeout as delay } from 'node:timers/promises';
import { BadUserInputError, NotFoundError, ServiceUnavailableError } from '../../errors';
import { requireListed, saleStateOf } from '../catalog/listing';
import { SaleMetaLoader } from './sale-meta-loader';
import type { SaleStore } from './sale-store';
import { StockFrames, type StockFrame } from './stock-frames';

export { isFinalFrame, type StockFrame } from './stock-frames';

/** How long a stock adjustment may stay in flight before a crashed one stops holding rebuilds. */
const ADJUSTMENT_TTL_MS = 30_000;
/** Waits of a forced rebuild for adjustments in flight (25 ms doubling to 250 ms: about 10 s). */
const REBUILD_ATTEMPTS = 42;

/**
 * The live stock counters buyers race for, and the sale metadata the reservation script reads.
 * A missing counter (new product, Redis restarted or flushed) is rebuilt from MySQL: durable stock
 * minus live holds minus paid units not yet written as orders. `adjust` changes MySQL and Redis
 * together (restock, cancel, return). `stockChanged` frames (stock-frames.ts) are coalesced
 * across instances. The Redis state is the sale store's.
 */
export class StockService {
  private readonly rebuilding = new Map<number, Promise<number | null>>();
  private readonly meta: SaleMetaLoader;
  private readonly frames: StockFrames;

  constructor(
    private readonly store: SaleStore,
    frameMs = 100,
    /** The per-member limit of a product sold through a waiting room that has none of its own. */
    roomDefaultLimit = 2,
  ) {
    this.meta = new SaleMetaLoader(store, roomDefaultLimit);
    this.frames = new StockFrames(store, frameMs, (em, id) => this.remaining(em, [id]));
    // A paid hold can turn ALL_IN_CARTS into SOLD_OUT: a frame follows.
    store.reservations.onPaid = (productIds) => productIds.forEach((id) => this.touch(id));
  }

  /**
   * Live remaining units of each product, in order: one read per product, pipelined into one
   * round trip (per node on a Redis Cluster); a missing counter is built from MySQL.
   */
  async remaining(em: EntityManager, productIds: number[]): Promise<number[]> {
    if (productIds.length === 0) return [];
    const values = await this.store.remainingOf(productIds);
    const missing = productIds.filter((_, i) => values[i] === null);
    const rebuilt = new Map<number, number>();
    if (missing.length) {
      for (const [id, units] of await this.rebuild(em, missing)) rebuilt.set(id, units);
    }
    return productIds.map((id, i) => values[i] ?? rebuilt.get(id) ?? 0);
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
    for (let attempt = 0; ; attempt++) {
      // A forced rebuild writes only against the adjustment sequence it read before its MySQL
      // snapshot: a restock, cancel or return between the two would otherwise be counted twice
      // or undone (its MySQL and counter changes are two steps). A missing counter has nothing
      // an adjustment could have moved, and is built at once.
      const sequence = force ? await this.store.adjustSequence(productId) : undefined;
      if (sequence !== null) {
        const snapshot = await this.stockSnapshot(em, productId);
        if (!snapshot) return null;
        const value = await this.store.rebuildRemaining(
          productId,
          force,
          snapshot.stock,
          snapshot.unwritten,
          snapshot.written,
          sequence,
        );
        if (value !== null) {
          this.touch(productId);
          return value;
        }
      }
      if (attempt >= REBUILD_ATTEMPTS)
        throw new ServiceUnavailableError(
          `The stock of product ${productId} is being adjusted; retry shortly`,
        );
      await delay(Math.min(25 * 2 ** attempt, 250));
    }
  }

  /** MySQL stock and the product's paid units not yet written as orders, in one transaction. */
  private async stockSnapshot(em: EntityManager, productId: number) {
    const paidInRedis = [...(await this.store.paidQuantities(productId)).keys()];
    // One transaction: a consistent snapshot of stock and payments (an order written in between
    // moves units from "unwritten" to "out of stock" together).
    const snapshot = await em.transactional(async (tem) => {
      const product = await tem.findOne(Product, { id: productId }, { fields: ['id', 'stock'] });
      if (!product) return null;
      const { unwritten, written } = await paymentTable.unwrittenAndWritten(tem, paidInRedis);
      return { stock: product.stock, unwritten, written };
    });
    if (!snapshot) return null;
    const unwritten: [string, number][] = [];
    for (const row of snapshot.unwritten) {
      const units = unitsOfProduct(row.items, productId);
      if (units > 0) unwritten.push([row.reservation_id, units]);
    }
    return { stock: snapshot.stock, unwritten, written: snapshot.written };
  }

  /**
   * Caches a product's sale metadata for the reservation script, and rebuilds its buyers'
   * lifetime unit counts from MySQL payments if Redis lost them. NOT_FOUND for an unknown product.
   */
  ensureSaleMeta(em: EntityManager, productId: number): Promise<void> {
    return this.meta.ensure(em, productId);
  }

  /** Drops the cached sale metadata (after a product's window, limit, price or deletion changes). */
  async invalidate(productId: number): Promise<void> {
    // A load already running read the old product: later purchases do not share it (and its
    // write is refused: the drop moves the metadata's version, which every instance's load checks).
    this.meta.forget(productId);
    await this.store.dropSaleMeta(productId);
    this.touch(productId);
  }

  /**
   * A product's live level and sale state (NOT_FOUND for an unknown product), with the version
   * of the last published frame.
   */
  async level(em: EntityManager, productId: number) {
    const product = await requireListed(em, productId);
    const [remaining] = await this.remaining(em, [productId]);
    const version = await this.store.frameVersion(productId);
    const held = remaining <= 0 && (await this.held(productId));
    return {
      productId,
      remaining,
      saleState: saleStateOf(product, remaining, held),
      soldOut: remaining <= 0,
      version,
    };
  }

  /** The current `stockChanged` frame of a listed product, for a new subscriber. */
  snapshot(em: EntityManager, productId: number): Promise<StockFrame> {
    return this.frames.snapshot(em, productId);
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
   * counter low, never high, until `syncStock`.) Both changes run inside `beginAdjustment` /
   * `endAdjustment`, so a concurrent `syncStock` never counts one of them without the other.
   * Returns the new live figure.
   */
  async adjust(em: EntityManager, productId: number, delta: number): Promise<number> {
    if (!Number.isSafeInteger(delta))
      throw new BadUserInputError('Quantity out of range', 'quantity');
    await this.remaining(em, [productId]);
    await this.beginAdjustment(productId);
    try {
      return await this.adjustBoth(em, productId, delta);
    } finally {
      await this.endAdjustment(productId);
    }
  }

  private async adjustBoth(em: EntityManager, productId: number, delta: number): Promise<number> {
    if (delta >= 0) {
      await this.adjustDurable(em, productId, delta);
      // Only an existing counter is moved: a missing one is rebuilt from MySQL, which has it.
      let value = await this.store.addToCounter(productId, delta);
      if (value === -1) [value] = await this.remaining(em, [productId]);
      this.touch(productId);
      return value;
    }
    let value = -1;
    for (let attempt = 0; value === -1; attempt++) {
      if (attempt > 2) throw new Error(`live stock of product ${productId} could not be built`);
      const [live] = await this.remaining(em, [productId]);
      value = await this.store.addToCounter(productId, delta, true);
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
      await this.store.addToCounter(productId, -delta);
      throw err;
    }
    this.touch(productId);
    return value;
  }

  /**
   * Marks a stock adjustment of the product in flight (before its first change, MySQL or
   * counter): a forced rebuild waits for `endAdjustment` (after its last), so it never sees one
   * change without the other. One that never ends stops counting after 30 s.
   */
  beginAdjustment(productId: number): Promise<void> {
    return this.store.beginAdjustment(productId, ADJUSTMENT_TTL_MS);
  }

  /** Ends `beginAdjustment` (a failure is left to the mark's expiry). */
  async endAdjustment(productId: number): Promise<void> {
    await this.store.endAdjustment(productId).catch(() => undefined);
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
    await this.store.addToCounter(productId, delta);
    this.touch(productId);
  }

  /** Whether units of the product are held in carts (unpaid reservations). */
  async held(productId: number): Promise<boolean> {
    return (await this.store.heldCount(productId)) > 0;
  }

  /** Notes that a product's live stock changed: a `stockChanged` frame follows (coalesced). */
  touch(productId: number): void {
    this.frames.touch(productId);
  }

  stop(): void {
    this.frames.stop();
  }
}
