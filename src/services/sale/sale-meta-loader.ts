import type { EntityManager } from '@mikro-orm/mysql';
import {
  Payment,
  PaymentStatus,
  RefundReason,
  unitsOfProduct,
} from '../../entities/payment.entity';
import { Product } from '../../entities/product.entity';
import { WaitingRoom } from '../../entities/waiting-room.entity';
import { NotFoundError, ServiceUnavailableError } from '../../errors';
import type { SaleStore } from './sale-store';

const META_TTL_MS = 60_000;

/**
 * Loads a product's sale metadata (window, limit, price, the room's hold) and its buyers' lifetime
 * unit counts from MySQL into the sale store, for the reservation script. One load per product
 * at a time on this instance; a load that an invalidation overtook (on any instance) is refused
 * by sale-meta.lua and reads again.
 */
export class SaleMetaLoader {
  private readonly loading = new Map<number, Promise<void>>();

  constructor(
    private readonly store: SaleStore,
    /** The per-member limit of a product sold through a waiting room that has none of its own. */
    private readonly roomDefaultLimit: number,
  ) {}

  ensure(em: EntityManager, productId: number): Promise<void> {
    const running = this.loading.get(productId);
    if (running) return running;
    const run = this.loadMeta(em.fork(), productId).finally(() => {
      if (this.loading.get(productId) === run) this.loading.delete(productId);
    });
    this.loading.set(productId, run);
    return run;
  }

  /** Later purchases do not share a load already running: it read the old product. */
  forget(productId: number): void {
    this.loading.delete(productId);
  }

  private async loadMeta(em: EntityManager, productId: number): Promise<void> {
    // Invalidated (on any instance) while a load ran: what it read may be the old product, and
    // sale-meta.lua refuses it; the load reads again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const version = await this.store.saleMetaVersion(productId);
      if (await this.loadMetaAt(em, productId, version)) return;
    }
    throw new ServiceUnavailableError(`The sale of product ${productId} is being changed; retry`);
  }

  private async loadMetaAt(em: EntityManager, productId: number, version: number) {
    const product = await em.findOne(Product, { id: productId }, { refresh: true });
    if (!product) throw new NotFoundError('Product', productId);
    // A product sold through a waiting room always has a per-member limit and the room's hold.
    const room = await em.findOne(WaitingRoom, { productId });
    const limit = product.purchaseLimit ?? (room ? this.roomDefaultLimit : null);
    const bought: [number, number][] = [];
    if (limit != null && !(await this.store.hasBuyerCounts(productId))) {
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
        const units = unitsOfProduct(p.items, productId);
        if (units) perUser.set(p.user.id, (perUser.get(p.user.id) ?? 0) + units);
      }
      bought.push(...perUser);
    }
    const meta = {
      startsAt: product.saleStartsAt ?? null,
      endsAt: product.saleEndsAt ?? null,
      purchaseLimit: limit,
      price: product.price,
      deleted: product.deletedAt != null,
      roomHoldMs: room ? room.holdSeconds * 1000 : null,
    };
    return this.store.cacheSaleMeta(productId, meta, META_TTL_MS, bought, version);
  }
}
