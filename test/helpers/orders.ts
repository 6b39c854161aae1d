import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import { Order, OrderItem, OrderStatus, OrderStatusChange } from '../../src/entities/order.entity';
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

/** Durable (MySQL) and live (Redis) stock of a product. */
export async function stockOf(
  app: App,
  productId: number,
): Promise<{ mysql: number; redis: number }> {
  const product = await app.orm.em.fork().findOneOrFail(Product, productId);
  const live = await app.services.saleStore.remaining(productId);
  return { mysql: product.stock, redis: live ?? 0 };
}

/**
 * Writes an order as the order writer does: status PLACED, one history row (null → PLACED, by
 * SYSTEM), the first step due `shippingAfterSeconds` after `placedAt`, then the notification.
 * `steps` seeds an order that already went further, each step at its own time.
 */
export async function insertOrder(
  app: App,
  options: {
    userId: number;
    items: { productId: number; quantity: number; unitPrice?: number }[];
    placedAt?: Date;
    steps?: { status: OrderStatus; at: Date }[];
  },
): Promise<number> {
  const em = app.orm.em.fork();
  const placedAt = options.placedAt ?? new Date();
  const steps = [{ status: OrderStatus.PLACED, at: placedAt }, ...(options.steps ?? [])];
  const last = steps.at(-1)!;
  const order = em.create(Order, {
    user: options.userId,
    paymentId: randomUUID(),
    reservationId: randomUUID(),
    status: last.status,
    totalAmount: options.items.reduce((sum, i) => sum + (i.unitPrice ?? 1500) * i.quantity, 0),
    placedAt,
    nextTransitionAt: app.services.orderLifecycle.dueAfter(last.status, last.at),
    version: steps.length,
  });
  for (const item of options.items) {
    em.create(OrderItem, {
      order,
      product: item.productId,
      quantity: item.quantity,
      unitPrice: item.unitPrice ?? 1500,
    });
  }
  steps.forEach((step, i) => {
    em.create(OrderStatusChange, {
      order,
      from: i === 0 ? null : steps[i - 1]!.status,
      to: step.status,
      at: step.at,
      actor: 'SYSTEM',
      // Seeded history is not announced again.
      publishedAt: steps.length > 1 ? new Date() : null,
    });
  });
  await em.flush();
  if (steps.length === 1) {
    await app.services.orderStatus.notify([
      {
        orderId: order.id,
        userId: options.userId,
        from: null,
        to: OrderStatus.PLACED,
        at: placedAt.toISOString(),
      },
    ]);
  }
  return order.id;
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
