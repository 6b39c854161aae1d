import { expect } from '@jest/globals';
import type { App } from '../../src/app';
import { liveStock } from './sale-fixtures';
import { waitFor } from './wait-for';

const rows = <T>(app: App, sql: string, params: unknown[] = []) =>
  app.orm.em.getConnection().execute<T[]>(sql, params);

/**
 * Orders and payments agree: every PAID payment has exactly one order, no order exists without a
 * charged payment (PAID, or refunding/refunded after a cancel or return), and no payment or
 * reservation has two orders. Returns the counts looked at.
 */
export async function expectOrdersMatchPayments(
  app: App,
): Promise<{ paid: number; orders: number }> {
  const [paidWithoutOrder, orphanOrders, twicePaid, twiceReserved, counts] = await Promise.all([
    rows<{ id: string }>(
      app,
      `select p.id from payments p
       where p.status = 'PAID' and not exists (select 1 from orders o where o.payment_id = p.id)`,
    ),
    rows<{ id: number }>(
      app,
      `select o.id from orders o left join payments p on p.id = o.payment_id
       where p.id is null or p.status not in ('PAID', 'REFUNDING', 'REFUNDED')
          or (p.status <> 'PAID' and p.refund_reason not in ('CANCELLED', 'RETURNED'))`,
    ),
    rows<{ payment_id: string }>(
      app,
      'select payment_id from orders group by payment_id having count(*) > 1',
    ),
    rows<{ reservation_id: string }>(
      app,
      'select reservation_id from orders group by reservation_id having count(*) > 1',
    ),
    rows<{ paid: number; orders: number }>(
      app,
      `select (select count(*) from payments where status = 'PAID') as paid,
              (select count(*) from orders) as orders`,
    ),
  ]);
  expect({ paidWithoutOrder, orphanOrders, twicePaid, twiceReserved }).toEqual({
    paidWithoutOrder: [],
    orphanOrders: [],
    twicePaid: [],
    twiceReserved: [],
  });
  return { paid: Number(counts[0]!.paid), orders: Number(counts[0]!.orders) };
}

/**
 * Stock of one product once nothing is held any more: the units of the orders that stand (not
 * cancelled or returned) never exceed what was on sale, MySQL stock is what is left of it, and the
 * live counter in Redis equals MySQL stock. Returns the units sold and left.
 */
export async function expectStockSettled(
  app: App,
  productId: number,
  initialStock: number,
  timeoutMs = 30_000,
): Promise<{ sold: number; left: number }> {
  const durable = async () => {
    const [row] = await rows<{ stock: number; sold: number | null }>(
      app,
      `select (select stock from products where id = ?) as stock,
              (select sum(i.quantity) from order_items i join orders o on o.id = i.order_id
               where i.product_id = ? and o.status not in ('CANCELLED', 'RETURNED')) as sold`,
      [productId, productId],
    );
    return { stock: Number(row!.stock), sold: Number(row!.sold ?? 0) };
  };
  // A restock after a cancel reaches Redis just after its commit: wait for the two to meet.
  const settled = await waitFor(
    async () => {
      const d = await durable();
      return (await liveStock(app, productId)) === d.stock ? d : undefined;
    },
    { timeoutMs, what: `live stock of product ${productId} = MySQL stock` },
  );
  expect(settled.sold).toBeLessThanOrEqual(initialStock);
  expect(settled.stock).toBe(initialStock - settled.sold);
  return { sold: settled.sold, left: settled.stock };
}
