import type { EntityManager } from '@mikro-orm/mysql';
import { unitsOfProduct } from '../../entities/payment.entity';
import type { SaleStore } from '../sale/sale-store';
import { DiscrepancyKind, type Discrepancy } from './audit.types';
import { paymentTable } from './payment-table';

/**
 * Units in Redis against MySQL, per product with a live counter: the counter plus the units held
 * plus the units paid and not yet written must equal MySQL stock. "Paid, not yet written" is
 * counted as the counter's rebuild counts it (stock-rebuild.lua): Redis's paid entries whose
 * order MySQL does not have yet (settle-written drops an entry a moment after the commit), and
 * PAID payments in MySQL without an order that Redis holds neither as paid nor as held (a rebuild
 * took their units off the counter; their order is still to come). Redis is read at one instant
 * per product (its keys share a slot), MySQL's stock and payments in one transaction after it.
 * A mismatch is drift: it would be resold (counter too high) or never sold (too low).
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
    const mysql = await em.transactional(async (tem) => {
      const [product] = await tem.execute<{ stock: number }[]>(
        'select stock from products where id = ?',
        [productId],
      );
      if (!product) return null;
      const payments = await paymentTable.unwrittenAndWritten(tem, [...redis.paid.keys()]);
      return { stock: Number(product.stock), ...payments };
    });
    if (!mysql) continue;
    products++;
    const written = new Set(mysql.written);
    const sum = (m: Map<string, number>) =>
      [...m].reduce((n, [id, q]) => (written.has(id) ? n : n + q), 0);
    const held = sum(redis.held);
    let paid = sum(redis.paid);
    for (const row of mysql.unwritten) {
      if (redis.paid.has(row.reservation_id) || redis.held.has(row.reservation_id)) continue;
      paid += unitsOfProduct(row.items, productId);
    }
    const live = redis.remaining + held + paid;
    if (live !== mysql.stock)
      discrepancies.push({
        kind: DiscrepancyKind.UNITS_MISMATCH,
        paymentId: null,
        reservationId: null,
        orderId: null,
        productId,
        detail: `product ${productId}: live ${redis.remaining} + held ${held} + paid unwritten ${paid} = ${live}, MySQL stock ${mysql.stock}`,
      });
  }
  return { products, discrepancies };
}
