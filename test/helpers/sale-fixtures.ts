import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import type { Config } from '../../src/config';
import { pubSubChannel } from '../../src/clients/pubsub';
import { isCluster, keyNodes } from '../../src/clients/redis';
import { Product } from '../../src/entities/product.entity';
import { createOrderWriter } from '../../src/workers/order-writer.worker';
import { createPaymentRelay } from '../../src/workers/payment-relay.worker';

// Buyers are ordinary verified members.
export { createMembers, type Member } from './members';

/** A product on sale now (unless a window is given) with `stock` units. */
export async function createProduct(
  app: App,
  fields: {
    stock: number;
    price?: number;
    purchaseLimit?: number | null;
    saleStartsAt?: Date | null;
    saleEndsAt?: Date | null;
  },
): Promise<number> {
  const em = app.orm.em.fork();
  const product = em.create(Product, {
    name: `Rocket ${randomUUID().slice(0, 6)}`,
    price: fields.price ?? 1000,
    stock: fields.stock,
    purchaseLimit: fields.purchaseLimit ?? null,
    saleStartsAt: fields.saleStartsAt ?? null,
    saleEndsAt: fields.saleEndsAt ?? null,
  });
  await em.flush();
  return product.id;
}

/** MySQL stock and order count of a product. */
export async function durableState(
  app: App,
  productId: number,
): Promise<{ stock: number; orders: number; units: number }> {
  // One statement, one snapshot: read apart, the stock could predate an order batch's commit
  // that the order count already includes.
  const [row] = await app.orm.em
    .getConnection()
    .execute<{ stock: number; orders: number; units: number | null }[]>(
      `select (select stock from products where id = ?) as stock,
       count(distinct o.id) as orders, sum(i.quantity) as units
     from orders o join order_items i on i.order_id = o.id
     where i.product_id = ?`,
      [productId, productId],
    );
  return { stock: Number(row.stock), orders: Number(row.orders), units: Number(row.units ?? 0) };
}

/** A product's live remaining units: its Redis counter (0 when the counter is missing). */
export async function liveStock(app: App, productId: number): Promise<number> {
  return (await app.services.saleStore.remaining(productId)) ?? 0;
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * Resolves once `count` subscribers listen on a pub/sub topic (e.g. `STOCK_CHANGED:7`), so an
 * event fired next cannot beat the subscription.
 */
export async function waitForSubscribers(app: App, routingKey: string, count = 1): Promise<void> {
  const channel = pubSubChannel(app.config.redis.keyPrefix, routingKey);
  const redis = app.services.redis;
  // Sharded channels on a cluster: only the master of the channel's slot counts them.
  const ask = isCluster(redis) ? 'SHARDNUMSUB' : 'NUMSUB';
  for (let i = 0; i < 200; i++) {
    let n = 0;
    for (const node of keyNodes(redis)) {
      const [, k] = (await node.call('PUBSUB', ask, channel)) as [string, number];
      n += Number(k);
    }
    if (n >= count) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no subscriber on ${channel}`);
}

/** An order writer (not started) for a test's app, for tests that run the app without workers. */
export function orderWriterOf(t: { app: App; config: Config }) {
  return createOrderWriter({ config: t.config, services: t.app.services, logger: t.app.logger });
}

/** A payment relay (not started) for a test's app, polling every `intervalMs`. */
export function paymentRelayOf(t: { app: App; config: Config }, intervalMs: number) {
  const config = { ...t.config, sale: { ...t.config.sale, outboxPollIntervalMs: intervalMs } };
  return createPaymentRelay({ config, services: t.app.services, logger: t.app.logger });
}
