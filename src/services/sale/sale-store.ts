import { pubSubChannel, publishCommand } from '../../clients/pubsub';
import { isCluster, type AppRedis } from '../../clients/redis';
import { keySlot } from '../../clients/redis-wait';
import { TOPICS } from '../../schema/topics';
import { ReservationStore } from './reservation-store';
import { RoomStore } from './room-store';
import { SALE_PRODUCTS_KEY, saleKeys } from './sale-keys';

/** A product's cached sale metadata (read by reserve.lua and stock-frame.lua). */
export interface SaleMeta {
  startsAt: Date | null;
  endsAt: Date | null;
  purchaseLimit: number | null;
  price: number;
  deleted: boolean;
  /** The waiting room's hold ms when a room governs the product, else null. */
  roomHoldMs: number | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : '');

/**
 * The one owner of a sale's Redis state: every key (sale-keys.ts) and every sale script call
 * (src/lua) goes through here; services and workers call its methods and never build a key.
 *
 * Layout: one product's keys share the hash tag `{productId}` (one Redis Cluster slot). A
 * reservation's record and its purchase's idempotency key live in the slot of the product its id
 * starts with, so a one-product reservation touches one slot in every script. On a cluster,
 * reads and writes across products are one command per product (ioredis pipelines them per
 * node), never one multi-key command or one cross-slot pipeline.
 *
 * Redis Cluster: a purchase of several products (a cart) would need one script over several
 * slots, which a cluster refuses. On a cluster the store therefore refuses a purchase of more
 * than one product with BAD_USER_INPUT (field `items`: buy them one at a time); on a single Redis
 * a cart is still reserved atomically in one script, all or nothing.
 */
export class SaleStore {
  /** Reservation records and the scripts that hold, claim, pay and release them. */
  readonly reservations: ReservationStore;
  /** Waiting rooms: config, tickets, ticks and frames (room-store.ts). */
  readonly rooms: RoomStore;

  constructor(
    private readonly redis: AppRedis,
    private readonly keyPrefix = '',
  ) {
    this.reservations = new ReservationStore(redis);
    this.rooms = new RoomStore(redis, keyPrefix);
  }

  /** The Redis Cluster hash slot of a product's sale keys (all of them share it). */
  slotOf(productId: number): number {
    return keySlot(`${this.keyPrefix}${saleKeys(productId).stock}`);
  }

  /** Redis server time in epoch ms: the clock every sale script reads. */
  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  // ---- live stock counters -------------------------------------------------------------------

  /** A product's live remaining units, or null when its counter is missing. */
  async remaining(productId: number): Promise<number | null> {
    const value = await this.redis.get(saleKeys(productId).stock);
    return value === null ? null : Number(value);
  }

  /**
   * Live remaining units of each product, in order (null: missing). One MGET on a single Redis;
   * on a cluster one GET per product (products live in different slots), which ioredis
   * pipelines per node.
   */
  async remainingOf(productIds: number[]): Promise<(number | null)[]> {
    if (isCluster(this.redis)) return Promise.all(productIds.map((id) => this.remaining(id)));
    const values = await this.redis.mget(...productIds.map((id) => saleKeys(id).stock));
    return values.map((v) => (v === null ? null : Number(v)));
  }

  /** Adds units to a counter, creating it at `delta` when missing (callers build it first). */
  addRemaining(productId: number, delta: number): Promise<number> {
    return this.redis.incrby(saleKeys(productId).stock, delta);
  }

  /**
   * counter-add.lua: adds to an existing counter only; the new value, -1 when it is missing,
   * -2 when `guard` refused to take it below zero.
   */
  addToCounter(productId: number, delta: number, guard = false): Promise<number> {
    return guard
      ? this.redis.counterAdd(saleKeys(productId).stock, delta, '1')
      : this.redis.counterAdd(saleKeys(productId).stock, delta);
  }

  /** Overwrites a counter (a drifted figure, for repair tools and fault tests). */
  async overwriteRemaining(productId: number, units: number): Promise<void> {
    await this.redis.set(saleKeys(productId).stock, units);
  }

  /** Drops counters, as a Redis restart would; the next read rebuilds them from MySQL. */
  async dropRemaining(productIds: number[]): Promise<void> {
    await Promise.all(productIds.map((id) => this.redis.del(saleKeys(id).stock)));
  }

  /**
   * stock-rebuild.lua: sets the counter to `stock` − live holds − paid units not yet written
   * (`unwritten`: reservation id → units per MySQL; `written`: reservation ids whose orders exist).
   * Without `force` an existing counter is kept. With `sequence` (from `adjustSequence`, read
   * before the MySQL snapshot) nothing is written, and null returned, when a stock adjustment is
   * in flight or began or ended since. Returns the counter's value.
   */
  async rebuildRemaining(
    productId: number,
    force: boolean,
    stock: number,
    unwritten: [string, number][],
    written: string[],
    sequence?: number,
  ): Promise<number | null> {
    const k = saleKeys(productId);
    const value = Number(
      await this.redis.stockRebuild(
        k.stock,
        k.holdQty,
        k.paidQty,
        k.adjusting,
        k.adjustSeq,
        force ? '1' : '0',
        sequence ?? '',
        stock,
        unwritten.length,
        ...unwritten.flat(),
        ...written,
      ),
    );
    return value < 0 ? null : value;
  }

  /**
   * stock-adjust.lua: marks a stock adjustment (MySQL change, then or before the counter's)
   * in flight until `endAdjustment`; a crashed one stops counting after `ttlMs`.
   */
  async beginAdjustment(productId: number, ttlMs: number): Promise<void> {
    const k = saleKeys(productId);
    await this.redis.stockAdjust(k.adjusting, k.adjustSeq, 'begin', ttlMs);
  }

  async endAdjustment(productId: number): Promise<void> {
    const k = saleKeys(productId);
    await this.redis.stockAdjust(k.adjusting, k.adjustSeq, 'end');
  }

  /** The product's adjustment sequence, or null while an adjustment is in flight. */
  async adjustSequence(productId: number): Promise<number | null> {
    const k = saleKeys(productId);
    const value = Number(await this.redis.stockAdjust(k.adjusting, k.adjustSeq, 'read'));
    return value < 0 ? null : value;
  }

  /** How many reservations hold units of a product. */
  heldCount(productId: number): Promise<number> {
    return this.redis.hlen(saleKeys(productId).holdQty);
  }

  /** Reservation id → units held live on a product. */
  heldQuantities(productId: number): Promise<Map<string, number>> {
    return this.quantities(saleKeys(productId).holdQty);
  }

  /** Reservation id → units paid on a product whose order is not written yet. */
  paidQuantities(productId: number): Promise<Map<string, number>> {
    return this.quantities(saleKeys(productId).paidQty);
  }

  /**
   * A product's counter, held units and paid-unwritten units read at one instant (one MULTI: the
   * three keys share the product's slot), for the audit. `remaining` is null when missing.
   */
  async unitsSnapshot(productId: number): Promise<{
    remaining: number | null;
    held: Map<string, number>;
    paid: Map<string, number>;
  }> {
    const k = saleKeys(productId);
    const replies = await this.redis
      .multi()
      .get(k.stock)
      .hgetall(k.holdQty)
      .hgetall(k.paidQty)
      .exec();
    const failed = replies?.find(([err]) => err)?.[0];
    if (failed || !replies) throw failed ?? new Error('units snapshot aborted');
    const asMap = (v: unknown) =>
      new Map(Object.entries(v as Record<string, string>).map(([id, n]) => [id, Number(n)]));
    const stock = replies[0][1] as string | null;
    return {
      remaining: stock === null ? null : Number(stock),
      held: asMap(replies[1][1]),
      paid: asMap(replies[2][1]),
    };
  }

  private async quantities(key: string): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(key);
    return new Map(Object.entries(all).map(([id, units]) => [id, Number(units)]));
  }

  // ---- sale metadata ----------------------------------------------------------------------------

  /** Whether the product's buyers' lifetime unit counts are in Redis. */
  async hasBuyerCounts(productId: number): Promise<boolean> {
    return (await this.redis.exists(saleKeys(productId).bought)) === 1;
  }

  /**
   * sale-meta.lua: caches the metadata for `ttlMs` and, if missing, the buyers' lifetime counts
   * (`bought`: member id → units); records the product for the sweeper.
   */
  async cacheSaleMeta(
    productId: number,
    meta: SaleMeta,
    ttlMs: number,
    bought: [number, number][],
    version: number,
  ): Promise<boolean> {
    const k = saleKeys(productId);
    const written = await this.redis.saleMeta(
      k.meta,
      k.bought,
      k.metaVersion,
      ttlMs,
      ms(meta.startsAt),
      ms(meta.endsAt),
      meta.purchaseLimit ?? '',
      meta.price,
      meta.deleted ? '1' : '0',
      meta.roomHoldMs === null ? '' : '1',
      meta.roomHoldMs ?? '',
      version,
      ...bought.flat(),
    );
    if (Number(written) < 0) return false;
    await this.redis.sadd(SALE_PRODUCTS_KEY, productId);
    return true;
  }

  /** The version of a product's sale metadata: read before a load reads the product. */
  async saleMetaVersion(productId: number): Promise<number> {
    return Number((await this.redis.get(saleKeys(productId).metaVersion)) ?? 0);
  }

  /**
   * Drops the cached metadata (the next purchase reloads it from MySQL) and moves its version, so
   * a load that read the product before, on any instance, does not write it (one MULTI: the two
   * keys share the product's slot).
   */
  async dropSaleMeta(productId: number): Promise<void> {
    const k = saleKeys(productId);
    await this.redis.multi().incr(k.metaVersion).del(k.meta).exec();
  }

  /** Products whose sales have had metadata cached (the sweeper walks their holds). */
  async saleProducts(): Promise<number[]> {
    return (await this.redis.smembers(SALE_PRODUCTS_KEY)).map(Number);
  }

  // ---- stockChanged frames ----------------------------------------------------------------------

  /** The version of the product's last published frame (0 before the first). */
  async frameVersion(productId: number): Promise<number> {
    return Number((await this.redis.get(saleKeys(productId).version)) ?? 0);
  }

  /**
   * stock-frame.lua, publishing on the product's stockChanged channel. 'frame' answers the
   * published count, -1 (another frame is open) or -2 (nothing changed); 'snapshot' (with the
   * sale window) answers the current frame's JSON, or -2 when the counter is missing.
   */
  frame(
    productId: number,
    frameMs: number,
    mode: 'frame' | 'snapshot',
    window: { startsAt: Date | null; endsAt: Date | null } | null = null,
  ): Promise<number | string> {
    const k = saleKeys(productId);
    const channel = pubSubChannel(this.keyPrefix, TOPICS.STOCK_CHANGED, productId);
    const args = window ? [ms(window.startsAt), ms(window.endsAt)] : [];
    return this.redis.stockFrame(
      ...([k.stock, k.meta, k.frameLock, k.frameState, k.version, k.holdQty] as const),
      frameMs,
      channel,
      productId,
      mode,
      // SPUBLISH on a cluster: the channel carries the product's hash tag, so it is this shard's.
      publishCommand(this.redis),
      ...args,
    );
  }
}
