import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaSender } from '../../src/clients/producer';
import { KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { encode, type PaymentCompletedEvent } from '../../src/services/payments/payment-completed';
import {
  createMembers,
  createProduct,
  durableState,
  orderWriterOf,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments } from '../helpers/invariants';
import { metricOf } from '../helpers/metrics';
import { recordPaid } from '../helpers/orders';

// The API role only: each test decides where the order writer runs.
let t: TestApp;
let producer: KafkaSender;

beforeAll(async () => {
  t = await startTestApp(__filename, { APP_ROLE: 'api' });
  await t.app.services.paymentEvents.run(); // creates the topics
  producer = new KafkaSender(t.app.services.kafka, t.config.kafka);
});
afterAll(async () => {
  await producer?.stop();
  await t?.stop();
});

const event = (userId: number, productId: number, quantity = 1): PaymentCompletedEvent => ({
  paymentId: randomUUID(),
  reservationId: `${productId}.${randomUUID().replace(/-/g, '').slice(0, 16)}`,
  userId,
  items: [{ productId, quantity, unitPrice: 500 }],
  totalAmount: 500 * quantity,
  paidAt: new Date().toISOString(),
});

const send = (events: (PaymentCompletedEvent | string)[], key = 'k') =>
  producer.send(
    KAFKA_TOPICS.paymentCompleted,
    events.map((e) => (typeof e === 'string' ? { key, value: e } : encode(e))),
  );

function startWorkerProcess(): ChildProcess {
  // The built app in its worker role, against this file's database, Redis prefix and topics.
  const c = t.config;
  return spawn(process.execPath, [join(__dirname, '../../dist/src/main.js')], {
    env: {
      ...process.env,
      APP_ROLE: 'worker',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      MYSQL_DATABASE: c.mysql.dbName,
      REDIS_KEY_PREFIX: c.redis.keyPrefix,
      KAFKA_TOPIC_PREFIX: c.kafka.topicPrefix,
      KAFKA_GROUP_PREFIX: c.kafka.groupPrefix,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('order writer', () => {
  it('writes one order for an event delivered 3 times, and dead-letters poison messages', async () => {
    const writer = orderWriterOf(t);
    await writer.start();
    try {
      const [member] = await createMembers(t.app, 1);
      const productId = await createProduct(t.app, { stock: 10 });
      const once = event(member.id, productId, 2);
      const unknownProduct = event(member.id, 999_999);
      // Same key → same partition: the sentinel is processed after everything before it.
      const sentinel = { ...event(member.id, productId), reservationId: `${once.reservationId}s` };
      // Paid in MySQL: the writer builds orders only from PAID rows. The unknown product's
      // event has none (no payment of ours): it is skipped, never an order.
      await recordPaid(t.app, [once, sentinel]);
      await send([once, once, once]);
      await send(['{not json', JSON.stringify({ paymentId: 'x' })], once.reservationId);
      await send([{ ...unknownProduct, reservationId: once.reservationId }]);
      await send([JSON.stringify(sentinel)], once.reservationId);
      await waitFor(async () => (await durableState(t.app, productId)).orders === 2, {
        timeoutMs: 30_000,
        what: 'the sentinel order',
      });
      expect(await durableState(t.app, productId)).toEqual({ stock: 7, orders: 2, units: 3 });
      const rows = await t.app.orm.em
        .getConnection()
        .execute<{ n: number }[]>('select count(*) as n from orders where payment_id = ?', [
          once.paymentId,
        ]);
      expect(Number(rows[0].n)).toBe(1);
      // Each PAID row is one order; the unknown product's event (no payment of ours) none.
      expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: 2, orders: 2 });

      // The three bad messages are on the dead-letter topic, not dropped.
      const dlq = t.app.services.kafka.consumer({ groupId: `dlq-check-${randomUUID()}` });
      const seen: string[] = [];
      await dlq.connect();
      await dlq.subscribe({
        topic: topicName(t.config.kafka, KAFKA_TOPICS.paymentCompletedDlq),
        fromBeginning: true,
      });
      await dlq.run({
        eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? ''),
      });
      try {
        // Dead-lettering is at least once (a retried batch may send one twice): wait for both.
        await waitFor(
          () => seen.includes('{not json') && seen.includes(JSON.stringify({ paymentId: 'x' })),
          {
            timeoutMs: 30_000,
            what: 'dead-lettered messages',
          },
        );
      } finally {
        await dlq.disconnect();
      }
      expect(seen).toEqual(
        expect.arrayContaining(['{not json', JSON.stringify({ paymentId: 'x' })]),
      );
      expect(seen.some((s) => s.includes(unknownProduct.paymentId))).toBe(false);
      expect(
        await metricOf(t.url, 'orders_payments_skipped_total{reason="NOT_PAID"}'),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await writer.stop();
    }
  });

  it('a writer killed mid-batch and restarted loses and duplicates nothing', async () => {
    const members = await createMembers(t.app, 50);
    const productId = await createProduct(t.app, { stock: 3000 });
    const events = Array.from({ length: 3000 }, (_, i) => event(members[i % 50].id, productId));
    // Each event is a real charge at the provider, so the audit can reconcile them at the end.
    const provider = t.app.services.paymentProvider;
    provider.options.latencyMs = 0;
    for (let i = 0; i < events.length; i += 500)
      await Promise.all(
        events
          .slice(i, i + 500)
          .map((e) =>
            provider.charge({ paymentId: e.paymentId, userId: e.userId, amount: e.totalAmount }),
          ),
      );
    await recordPaid(t.app, events);
    for (let i = 0; i < events.length; i += 500) await send(events.slice(i, i + 500));

    const first = startWorkerProcess();
    const exited = new Promise((r) => first.once('exit', r));
    await waitFor(async () => (await durableState(t.app, productId)).orders > 0, {
      timeoutMs: 40_000,
      intervalMs: 10,
      what: 'the first orders',
    });
    first.kill('SIGKILL');
    await exited;
    const atKill = await durableState(t.app, productId);
    expect(atKill.orders).toBeLessThan(3000);

    const second = startWorkerProcess();
    try {
      const done = await waitFor(
        async () => {
          const s = await durableState(t.app, productId);
          return s.orders === 3000 ? s : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'every order after the restart' },
      );
      expect(done).toEqual({ stock: 0, orders: 3000, units: 3000 });
      const [dups] = await t.app.orm.em.getConnection().execute<{ n: number; d: number }[]>(
        `select count(*) as n, count(distinct payment_id) as d from orders o
         where exists (select 1 from order_items i where i.order_id = o.id and i.product_id = ?)`,
        [productId],
      );
      expect([Number(dups.n), Number(dups.d)]).toEqual([3000, 3000]);
      // Every charge of this test became exactly one order.
      expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: 3002, orders: 3002 });
      expect(
        await expectCleanAudit(t.app, { paymentIds: events.map((e) => e.paymentId) }),
      ).toMatchObject({ charges: 3000, orders: 3000, refunds: 0 });
    } finally {
      const gone = new Promise((r) => second.once('exit', r));
      second.kill('SIGTERM');
      await gone;
    }
  });
});
