import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import type { Config } from '../../src/config';
import { pubSubChannel } from '../../src/clients/pubsub';
import { isCluster, keyNodes } from '../../src/clients/redis';
import { Order } from '../../src/entities/order.entity';
import { Product } from '../../src/entities/product.entity';
import { createOrderWriter } from '../../src/workers/order-writer.worker';
import { createPaymentRelay } from '../../src/workers/payment-relay.worker';
import { PayDocument, PurchaseDocument, type PayMutation } from '../graphql/generated';
import { dataOf } from './gql-client';
import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

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

/**
 * A product's live remaining units: its Redis counter, or null when the counter is missing (a
 * lost counter is never mistaken for a sold-out one).
 */
export async function liveStock(app: App, productId: number): Promise<number | null> {
  return app.services.saleStore.remaining(productId);
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

export type PaidPayment = Extract<PayMutation['pay'], { __typename: 'Payment' }>;

/**
 * A member holds `quantity` (default 1) units of a product and pays for them, through the API;
 * throws unless both succeed.
 */
export async function buyAndPay(
  t: Pick<TestApp, 'gql'>,
  member: { token: string },
  productId: number | string,
  options: { quantity?: number; idempotencyKey?: string } = {},
): Promise<PaidPayment> {
  const { quantity, idempotencyKey = randomUUID() } = options;
  const held = dataOf(
    await t.gql(
      PurchaseDocument,
      { input: { productId: String(productId), quantity, idempotencyKey } },
      member.token,
    ),
  ).purchase;
  if (held.__typename !== 'Reservation') throw new Error(`purchase: ${held.__typename}`);
  const paid = dataOf(
    await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
  ).pay;
  if (paid.__typename !== 'Payment') throw new Error(`pay: ${paid.__typename}`);
  return paid;
}

/** `buyAndPay`, then the order the order writer makes of it. */
export async function paidOrder(
  t: Pick<TestApp, 'gql' | 'app'>,
  member: { token: string },
  productId: number | string,
  options: { quantity?: number } = {},
): Promise<{ reservationId: string; paymentId: string; amount: number; orderId: number }> {
  const payment = await buyAndPay(t, member, productId, options);
  const order = await waitFor(
    async () => (await t.app.orm.em.fork().findOne(Order, { paymentId: payment.id })) ?? undefined,
    { what: 'the order', timeoutMs: 30_000 },
  );
  return {
    reservationId: payment.reservation.id,
    paymentId: payment.id,
    amount: payment.amount,
    orderId: order.id,
  };
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
