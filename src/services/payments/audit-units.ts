import type { EntityManager } from '@mikro-orm/mysql';
import type { SaleStore } from '../sale/sale-store';
import { DiscrepancyKind, type Discrepancy } from './audit.types';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * Units in Redis against MySQL, per product with a live counter: the counter plus the units held
 * plus the units paid and not yet written must equal MySQL stock. Redis is read at one instant
 * per product (its keys share a slot); a paid entry whose order MySQL already has counts as
 * written (settle-written drops it a moment after the commit). A mismatch is drift: it would be
 * resold (counter too high) or never sold (too low).
 */
export async function auditUnits(
  em: EntityManager,
  store: SaleStore,
  productIds: number[],
): Promise<{ products: number; discrepancies: Discrepancy[] }> {
  const discrepancies: Discrepancy[] = [];
  let products = 0;
  for (const productId of productIds) {
    const redis = await store.unitsSnapshot(productId);
    if (redis.remaining === null) continue;
    const paidIds = [...redis.paid.keys()];
    const [product] = await em.execute<{ stock: number }[]>(
      'select stock from products where id = ?',
      [productId],
    );
    if (!product) continue;
    const written = paidIds.length
      ? new Set(
          (
            await em.execute<{ reservation_id: string }[]>(
              `select reservation_id from orders where reservation_id in (${marks(paidIds.length)})`,
              paidIds,
            )
          ).map((o) => o.reservation_id),
        )
      : new Set<string>();
    products++;
    const sum = (m: Map<string, number>, skip?: Set<string>) =>
      [...m].reduce((n, [id, q]) => (skip?.has(id) ? n : n + q), 0);
    const held = sum(redis.held);
    const paid = sum(redis.paid, written);
    const live = redis.remaining + held + paid;
    if (live !== Number(product.stock))
      discrepancies.push({
        kind: DiscrepancyKind.UNITS_MISMATCH,
        paymentId: null,
        reservationId: null,
        orderId: null,
        productId,
        detail: `product ${productId}: live ${redis.remaining} + held ${held} + paid unwritten ${paid} = ${live}, MySQL stock ${product.stock}`,
      });
  }
  return { products, discrepancies };
}
