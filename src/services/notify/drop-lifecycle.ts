import type { EntityManager } from '@mikro-orm/mysql';
import type { AppPubSub } from '../../clients/pubsub';
import type { AppRedis } from '../../clients/redis';
import { Product, SaleState } from '../../entities/product.entity';
import { topicFor } from '../../schema/topics';
import { saleStateOf } from '../catalog/listing';
import type { StockService } from '../sale/stock.service';

export enum DropEvent {
  SALE_OPENED = 'SALE_OPENED',
  RESTOCKED = 'RESTOCKED',
  SOLD_OUT = 'SOLD_OUT',
  SALE_ENDED = 'SALE_ENDED',
  SALE_RESCHEDULED = 'SALE_RESCHEDULED',
}

/** One `dropLifecycle` frame, as stored in Redis and published on the product's channel. */
export interface LifecycleFrame {
  productId: number;
  /** What happened; null in the first frame of a product nothing has happened to yet. */
  event: DropEvent | null;
  saleState: SaleState;
  remaining: number;
  /** ISO instant of the event (Dates cross Redis as strings). */
  at: string;
  version: number;
}

/** Products watched per tick: the newest whose window is near or open. */
const WATCH_LIMIT = 200;

/**
 * The public lifecycle of a drop: its sale opening, restocks, selling out and ending, as frames
 * on Redis pub/sub that the fan-out hub sends to every watcher. The watcher (`watch`, run by the
 * notify worker) and a restock (`observe`) compare a product's sale state with the last one
 * recorded (drop-lifecycle.lua), so each change is announced once whatever the number of workers.
 * The key `drop:{id}:lifecycle` is this class's.
 */
export class DropLifecycle {
  constructor(
    private readonly redis: AppRedis,
    private readonly pubSub: AppPubSub,
    private readonly stock: StockService,
    private readonly leadSeconds: number,
  ) {}

  private key(productId: number): string {
    return `drop:{${productId}}:lifecycle`;
  }

  /** The last frame of a listed product, or one describing it now (NOT_FOUND when unlisted). */
  async current(em: EntityManager, productId: number): Promise<LifecycleFrame> {
    const level = await this.stock.level(em, productId);
    const stored = await this.redis.hget(this.key(productId), 'frame');
    if (stored) return JSON.parse(stored) as LifecycleFrame;
    const { remaining, saleState } = level;
    return {
      productId,
      event: null,
      saleState,
      remaining,
      at: new Date().toISOString(),
      version: 0,
    };
  }

  /**
   * Records a product's state and announces the change, if any; `event` is announced even
   * without a change (a restock while live). Returns the frame announced, or null.
   */
  async observe(
    productId: number,
    saleState: SaleState,
    remaining: number,
    event: DropEvent | '' = '',
  ): Promise<LifecycleFrame | null> {
    const partial = { productId, saleState, remaining, at: new Date().toISOString() };
    const json = await this.redis.dropLifecycle(
      this.key(productId),
      saleState,
      JSON.stringify(partial),
      event,
    );
    if (!json) return null;
    const frame = JSON.parse(json) as LifecycleFrame;
    await this.pubSub.publishNow(topicFor('DROP_LIFECYCLE', productId), frame);
    return frame;
  }

  /** After a restock: announces RESTOCKED (from sold out, or while live). */
  async restocked(em: EntityManager, productId: number): Promise<void> {
    const product = await em.findOneOrFail(Product, productId);
    const [remaining] = await this.stock.remaining(em, [productId]);
    const state = saleStateOf(product, remaining!);
    await this.observe(
      productId,
      state,
      remaining!,
      state === SaleState.LIVE ? DropEvent.RESTOCKED : '',
    );
  }

  /** One look at the products whose window is near or open; returns how many changes it announced. */
  async watch(rootEm: EntityManager): Promise<number> {
    const em = rootEm.fork();
    const products = await em.find(
      Product,
      {
        deletedAt: null,
        $and: [
          { $or: [{ saleStartsAt: null }, { saleStartsAt: { $lte: this.soon() } }] },
          { $or: [{ saleEndsAt: null }, { saleEndsAt: { $gt: new Date(Date.now() - 60_000) } }] },
        ],
      },
      { orderBy: { id: 'desc' }, limit: WATCH_LIMIT },
    );
    if (!products.length) return 0;
    const remaining = await this.stock.remaining(
      em,
      products.map((p) => p.id),
    );
    const now = new Date();
    const frames = await Promise.all(
      products.map((p, i) =>
        this.observe(p.id, saleStateOf(p, remaining[i]!, false, now), remaining[i]!),
      ),
    );
    return frames.filter(Boolean).length;
  }

  /** Upcoming products are watched from a little before their notices go out. */
  private soon(): Date {
    return new Date(Date.now() + (this.leadSeconds + 60) * 1000);
  }
}

/** Every lifecycle frame is sent at once: they are few, and each one matters. */
export const isFinalLifecycleFrame = (_frame: LifecycleFrame): boolean => true;
