import type { EntityManager } from '@mikro-orm/mysql';
import { Product, SaleState } from '../../entities/product.entity';
import { NotFoundError } from '../../errors';

/**
 * Where a product is in its sale, from its window, live remaining stock and whether units are
 * still held in carts (ALL_IN_CARTS until no hold is left, then SOLD_OUT).
 */
export function saleStateOf(
  product: Product,
  remaining: number,
  held = false,
  now = new Date(),
): SaleState {
  if (product.saleStartsAt && now < product.saleStartsAt) return SaleState.UPCOMING;
  if (product.saleEndsAt && now >= product.saleEndsAt) return SaleState.ENDED;
  if (remaining > 0) return SaleState.LIVE;
  return held ? SaleState.ALL_IN_CARTS : SaleState.SOLD_OUT;
}

/** A listed product (not deleted); NOT_FOUND when it does not exist or was deleted. */
export async function requireListed(em: EntityManager, id: number): Promise<Product> {
  const product = await em.findOne(Product, { id, deletedAt: null });
  if (!product) throw new NotFoundError('Product', id);
  return product;
}
