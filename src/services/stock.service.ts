import type { EntityManager } from '@mikro-orm/mysql';
import type { AppRedis } from '../clients/redis';
import { Product } from '../entities/product.entity';
import { BadUserInputError, NotFoundError } from '../errors';

/** Redis keys of one product's sale; the `{id}` hash tag keeps them in one Cluster slot. */
export const saleKeys = (productId: number) => ({
  stock: `sale:{${productId}}:stock`,
});

/**
 * The live stock counters buyers race for. A missing counter (new product, Redis restarted) is
 * rebuilt from MySQL. `adjust` changes MySQL and Redis together (restock, cancel, return).
 */
export class StockService {
  constructor(private readonly redis: AppRedis) {}

  /** Live remaining units of each product, in order; one Redis round trip when all keys exist. */
  async remaining(em: EntityManager, productIds: number[]): Promise<number[]> {
    if (productIds.length === 0) return [];
    const values = await this.redis.mget(...productIds.map((id) => saleKeys(id).stock));
    const missing = productIds.filter((_, i) => values[i] === null);
    const rebuilt = new Map<number, number>();
    if (missing.length) {
      for (const [id, units] of await this.rebuild(em, missing)) rebuilt.set(id, units);
    }
    return productIds.map((id, i) => (values[i] === null ? (rebuilt.get(id) ?? 0) : Number(values[i])));
  }

  /** Sets missing counters from MySQL (`SET NX`: a counter that exists is never overwritten). */
  async rebuild(em: EntityManager, productIds: number[]): Promise<Map<number, number>> {
    const rows = await em.find(Product, { id: { $in: productIds } }, { fields: ['id', 'stock'] });
    const result = new Map<number, number>();
    for (const row of rows) {
      await this.redis.set(saleKeys(row.id).stock, row.stock, 'NX');
      const current = await this.redis.get(saleKeys(row.id).stock);
      result.set(row.id, Number(current ?? row.stock));
    }
    return result;
  }

  /**
   * Adds `delta` units (negative removes) to a product's durable and live stock. Refuses to take
   * either below zero (BAD_USER_INPUT). Returns the new live figure.
   */
  async adjust(em: EntityManager, productId: number, delta: number): Promise<number> {
    if (!Number.isSafeInteger(delta)) throw new BadUserInputError('Quantity out of range', 'quantity');
    await this.remaining(em, [productId]);
    const changed = await em.getConnection().execute<{ affectedRows: number }>(
      'update products set stock = stock + ?, updated_at = now(3) where id = ? and stock + ? >= 0',
      [delta, productId, delta],
      'run',
    );
    if (changed.affectedRows === 0) {
      if (!(await em.count(Product, { id: productId }))) throw new NotFoundError('Product', productId);
      throw new BadUserInputError('Stock cannot go below zero', 'quantity');
    }
    return this.redis.incrby(saleKeys(productId).stock, delta);
  }
}
