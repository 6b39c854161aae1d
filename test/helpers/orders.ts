import { randomBytes, randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import { Order, OrderStatus, OrderStatusChange } from '../../src/entities/order.entity';
import { Product } from '../../src/entities/product.entity';

let seq = 0;

/** A product on sale with `stock` units left (after the orders below were paid), live counter built. */
export async function orderProduct(app: App, stock = 10, price = 1500): Promise<number> {
  const em = app.orm.em.fork();
  const product = em.create(Product, { name: `Rocket ${++seq}`, price, stock });
  await em.flush();
  await app.services.stock.remaining(em, [product.id]);
  return product.id;
}

/** Durable (MySQL) and live (Redis) stock of a product; `redis` is null when the counter is missing. */
export async function stockOf(
  app: App,
  productId: number,
): Promise<{ mysql: number; redis: number | null }> {
  const product = await app.orm.em.fork().findOneOrFail(Product, productId);
  const live = await app.services.saleStore.remaining(productId);
  return { mysql: product.stock, redis: live };
}

/**
 * Writes an order through the order placement service, as the order writer does for a paid
 * payment: status PLACED, one history row (null → PLACED, by SYSTEM) at `placedAt`, the first step
 * due `shippingAfterSeconds` after it, the durable stock decrement, then the notification. The
 * product is first given the ordered units back in MySQL, so `stock` (see `orderProduct`) stays
 * the units left after the order was paid. `steps` seeds an order that already went further,
 * each step at its own time (seeded steps are not announced). The order writer only writes an
 * order for a payment PAID in MySQL, so its payment row is written first (event already sent),
 * and charged at the provider unless `charged` is false (an order the audit must catch).
 */
export async function insertOrder(
  app: App,
  options: {
    userId: number;
    items: { productId: number; quantity: number; unitPrice?: number }[];
    placedAt?: Date;
    steps?: { status: OrderStatus; at: Date }[];
    charged?: boolean;
  },
): Promise<number> {
  const placedAt = options.placedAt ?? new Date();
  const items = options.items.map((i) => ({
    productId: i.productId,
    quantity: i.quantity,
    unitPrice: i.unitPrice ?? 1500,
  }));
  const conn = app.orm.em.getConnection();
  for (const item of items)
    await conn.execute('update products set stock = stock + ? where id = ?', [
      item.quantity,
      item.productId,
    ]);
  const paid = {
    paymentId: randomUUID(),
    // Shaped like a reservation id: its first product, then 16 random characters.
    reservationId: `${items[0]!.productId}.${randomBytes(12).toString('base64url')}`,
    userId: options.userId,
    totalAmount: items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0),
    items,
  };
  await conn.execute(
    `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, paid_at, published_at, attempts, next_attempt_at)
     values (?, ?, ?, ?, ?, 'PAID', ?, ?, now(3), 0, now(3))`,
    [
      paid.paymentId,
      paid.reservationId,
      paid.userId,
      paid.totalAmount,
      JSON.stringify(items),
      placedAt,
      placedAt,
    ],
  );
  if (options.charged !== false)
    await app.services.paymentProvider.charge({
      paymentId: paid.paymentId,
      userId: paid.userId,
      amount: paid.totalAmount,
    });
  const [order] = await app.services.orderPlacement.place([paid], placedAt);
  const steps = options.steps ?? [];
  if (steps.length) {
    const em = app.orm.em.fork();
    const seeded = await em.findOneOrFail(Order, order!.orderId);
    const last = steps.at(-1)!;
    seeded.status = last.status;
    seeded.version = steps.length + 1;
    seeded.nextTransitionAt = app.services.orderLifecycle.dueAfter(last.status, last.at);
    steps.forEach((step, i) => {
      em.create(OrderStatusChange, {
        order: seeded,
        from: i === 0 ? OrderStatus.PLACED : steps[i - 1]!.status,
        to: step.status,
        at: step.at,
        actor: 'SYSTEM',
        publishedAt: new Date(),
      });
    });
    await em.flush();
  }
  return order!.orderId;
}

/** An order's history as `[to, at ms, actor]`, oldest first. */
export async function historyOf(
  app: App,
  orderId: number,
): Promise<[OrderStatus, number, string][]> {
  const rows = await app.orm.em
    .fork()
    .find(OrderStatusChange, { order: orderId }, { orderBy: { id: 'asc' } });
  return rows.map((r) => [r.to, r.at.getTime(), r.actor]);
}

export const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

/**
 * Writes a PAID payments row (its event already sent) for each synthetic `payment.completed`
 * event, so the order writer, which builds orders only from PAID rows, writes them.
 */
export async function recordPaid(
  app: App,
  events: {
    paymentId: string;
    reservationId: string;
    userId: number;
    totalAmount: number;
    items: unknown[];
  }[],
): Promise<void> {
  const conn = app.orm.em.getConnection();
  for (let i = 0; i < events.length; i += 500) {
    const chunk = events.slice(i, i + 500);
    await conn.execute(
      `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, paid_at, published_at, attempts, next_attempt_at)
       values ${chunk.map(() => `(?, ?, ?, ?, ?, 'PAID', now(3), now(3), now(3), 0, now(3))`).join(',')}`,
      chunk.flatMap((e) => [
        e.paymentId,
        e.reservationId,
        e.userId,
        e.totalAmount,
        JSON.stringify(e.items),
      ]),
    );
  }
}
