import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Env } from '../../src/config';
import { topicName } from '../../src/clients/kafka';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import {
  busiestLeader,
  expectKafkaCluster,
  killKafkaNode,
  startKafkaNode,
  topicLeaders,
} from '../helpers/kafka-cluster';
import {
  createMembers,
  createProduct,
  durableState,
  type Member,
  pool,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

// Cluster run only (npm run test:cluster): three KRaft brokers, every app topic with 3 replicas
// and min.insync.replicas=2, so one broker down still takes acks=all writes. Two full instances
// (API and workers each) sell; the broker that leads most partitions of payment.completed is
// killed with SIGKILL while members buy and pay, and started again while the sale goes on.
const shared: Env = {
  PAYMENT_DECLINE_RATE: '0',
  PAYMENT_LATENCY_MS: '40',
  OUTBOX_POLL_INTERVAL_MS: '100',
};
const STOCK = 300;
const BUYERS = 360;

let t: TestApp;
let second: TestApp;
let killed: number | undefined;

beforeAll(async () => {
  t = await startTestApp(__filename, shared);
  expectKafkaCluster(t.config);
  second = await startTestApp(__filename, shared, { fresh: false, config: t.config });
}, 120_000);
afterAll(async () => {
  // Never leave the cluster a broker short for the files after this one.
  if (killed !== undefined) await startKafkaNode(killed);
  await second?.stop();
  await t?.stop();
}, 120_000);

it('a broker killed mid-sale and restarted: no order lost, none twice, audit clean, stock settled', async () => {
  const productId = await createProduct(t.app, { stock: STOCK, price: 700 });
  const members = await createMembers(t.app, BUYERS);
  const topic = topicName(t.config.kafka, 'payment.completed');
  const partitions = await waitFor(
    async () => {
      const p = await topicLeaders(t.config, topic).catch(() => []);
      return p.length > 0 && p.every((x) => x.isr.length === 3) ? p : undefined;
    },
    { what: `${topic} with every replica in sync` },
  );
  for (const p of partitions) expect(p.replicas).toHaveLength(3);
  const victim = await busiestLeader(t.config, topic);

  // Each member buys one unit and pays for it at once, on alternating instances.
  const paid: string[] = [];
  const soldOut: number[] = [];
  const buyAndPay = (buyers: Member[], offset: number) =>
    pool(buyers, 12, async (m, i) => {
      const [buyOn, payOn] = (offset + i) % 2 ? [second, t] : [t, second];
      const r = dataOf(
        await buyOn.gql(
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: `kf-${m.id}` } },
          m.token,
        ),
      ).purchase;
      if (r.__typename === 'SoldOutError') return void soldOut.push(m.id);
      if (r.__typename !== 'Reservation') throw new Error(`purchase: ${r.__typename}`);
      const p = dataOf(
        await payOn.gql(PayDocument, { input: { reservationId: r.id } }, m.token),
      ).pay;
      if (p.__typename !== 'Payment') throw new Error(`pay: ${p.__typename}`);
      paid.push(p.id);
    });
  const third = Math.floor(BUYERS / 3);
  const ordersNow = async () => (await durableState(t.app, productId)).orders;

  // Before: the broker dies halfway through the first third, with requests in flight.
  const before = buyAndPay(members.slice(0, third), 0);
  await waitFor(() => paid.length >= third / 2, { timeoutMs: 60_000, what: 'a first payments' });
  await killKafkaNode(victim);
  killed = victim;
  await before;
  const ordersAtKill = await ordersNow();

  // Down: the second third pays while one broker is dead; every order so far is still written.
  await buyAndPay(members.slice(third, 2 * third), third);
  const paidWhileDown = paid.length;
  await waitFor(async () => (await ordersNow()) >= paidWhileDown, {
    timeoutMs: 60_000,
    what: `${paidWhileDown} orders written with one broker down (${ordersAtKill} at the kill)`,
  });
  const isrDown = await topicLeaders(t.config, topic);
  for (const p of isrDown) expect(p.leader).not.toBe(victim);

  // Back: the broker restarts while the last third buys (and some find the product sold out).
  await Promise.all([
    startKafkaNode(victim).then(() => (killed = undefined)),
    buyAndPay(members.slice(2 * third), 2 * third),
  ]);
  expect(paid).toHaveLength(STOCK);
  expect(soldOut).toHaveLength(BUYERS - STOCK);
  expect(new Set(paid).size).toBe(STOCK);

  const state = await waitFor(
    async () => {
      const s = await durableState(t.app, productId);
      return s.orders >= STOCK ? s : undefined;
    },
    { timeoutMs: 90_000, what: `${STOCK} orders` },
  );
  expect(state).toEqual({ stock: 0, orders: STOCK, units: STOCK });
  // The restarted broker catches up and is in sync again for every partition.
  await waitFor(
    async () => (await topicLeaders(t.config, topic)).every((p) => p.isr.includes(victim)),
    { timeoutMs: 60_000, what: `broker ${victim} back in sync` },
  );
  expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: STOCK, orders: STOCK });
  expect(await expectStockSettled(t.app, productId, STOCK)).toEqual({ sold: STOCK, left: 0 });
  expect(await expectCleanAudit(t.app)).toMatchObject({
    charges: STOCK,
    refunds: 0,
    orders: STOCK,
  });
}, 300_000);
