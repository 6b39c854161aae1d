import type { EntityManager } from '@mikro-orm/mysql';
import type { SaleState } from '../../entities/product.entity';
import { requireListed } from '../catalog/listing';
import type { SaleStore } from './sale-store';

/** One `stockChanged` frame as published on Redis pub/sub (stock-frame.lua). */
export interface StockFrame {
  productId: number;
  remaining: number;
  saleState: SaleState;
  soldOut: boolean;
  /** Per product, only grows: a client can tell a missed frame or a reconnect. */
  version: number;
}

/**
 * Whether a frame is sent at once, whatever the frame rate: one that ends the sale, or the one
 * that says every unit is in a cart.
 */
export function isFinalFrame(frame: Pick<StockFrame, 'saleState'>): boolean {
  return (
    frame.saleState === 'SOLD_OUT' ||
    frame.saleState === 'ENDED' ||
    frame.saleState === 'ALL_IN_CARTS'
  );
}

/**
 * The `stockChanged` broadcast: frames go out at most once per `frameMs` per product across all
 * instances (a Redis lock in stock-frame.lua decides who sends), and the last frame carries the
 * final value. `buildCounter` builds a product's missing live counter from MySQL.
 */
export class StockFrames {
  private readonly frameTimers = new Map<number, NodeJS.Timeout>();
  /** Products with a frame call in flight → whether their stock was touched meanwhile. */
  private readonly framing = new Map<number, boolean>();
  private stopped = false;

  constructor(
    private readonly store: SaleStore,
    private readonly frameMs: number,
    private readonly buildCounter: (em: EntityManager, productId: number) => Promise<unknown>,
  ) {}

  /**
   * The current `stockChanged` frame of a listed product, for a new subscriber (NOT_FOUND for an
   * unknown or unlisted product). It is the last published frame when that still holds, else a
   * new frame published to every subscriber, so one version always carries one value.
   */
  async snapshot(em: EntityManager, productId: number): Promise<StockFrame> {
    const product = await requireListed(em, productId);
    const window = { startsAt: product.saleStartsAt ?? null, endsAt: product.saleEndsAt ?? null };
    for (let attempt = 0; attempt < 3; attempt++) {
      const frame = await this.store.frame(productId, this.frameMs, 'snapshot', window);
      if (typeof frame === 'string') return JSON.parse(frame) as StockFrame;
      // No counter yet (new product, Redis lost it): build it from MySQL and ask again.
      await this.buildCounter(em, productId);
    }
    throw new Error(`no live stock counter for product ${productId}`);
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
    let result: number;
    try {
      // The frame script publishes itself, on the channel the pub/sub client listens to.
      result = Number(await this.store.frame(productId, this.frameMs, 'frame'));
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
