import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { withKafkaAdmin } from '../../src/clients/kafka';
import { KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { createLostEventCheck } from '../../src/workers/payment-relay.worker';
import { expectAudit, expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import {
  buyAndPay,
  createMembers,
  createProduct,
  durableState,
  liveStock,
  orderWriterOf,
  paymentRelayOf,
} from '../helpers/sale-fixtures';
import { metricOf } from '../helpers/metrics';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// API role: the order writer and the relays start only when the test says.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    PAYMENT_LOST_EVENT_CHECK_INTERVAL_MS: '200',
  });
});
afterAll(async () => {
  await t?.stop();
});

const sql = <T>(query: string, params: unknown[] = []) =>
  t.app.orm.em.fork().getConnection().execute<T[]>(query, params);

/**
 * Waits for Kafka to acknowledge the events of payments `ids`. The fast path sends most at once;
 * one it leaves to the outbox (its sender was busy, e.g. still creating the topics) goes with the
 * relay, run here.
 */
async function acknowledged(ids: string[]): Promise<void> {
  await waitFor(
    async () => {
      await t.app.services.paymentEvents.run();
      const [row] = await sql<{ n: number }>(
        `select count(*) as n from payments
         where id in (${ids.map(() => '?').join(',')}) and published_at is not null`,
        ids,
      );
      return Number(row.n) === ids.length;
    },
    { timeoutMs: 30_000, what: 'every payment event acknowledged' },
  );
}

/** Runs `work` while an order writer, a payment relay and the lost-event check run. */
async function withWorkers<T>(work: () => Promise<T>): Promise<T> {
  const workers = [
    orderWriterOf(t),
    paymentRelayOf(t, 100),
    createLostEventCheck({ config: t.config, services: t.app.services, logger: t.app.logger }),
  ];
  for (const w of workers) await w.start();
  try {
    return await work();
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
}

it('paid events Kafka acknowledged but the order writer never read are sent again, once it has read past them', async () => {
  const productId = await createProduct(t.app, { stock: 20 });
  const members = await createMembers(t.app, 12);
  const paid: string[] = [];
  for (const m of members) paid.push((await buyAndPay(t, m, productId)).id);
  await acknowledged(paid);

  // Events lost after Kafka acknowledged them: the busiest partition's records are deleted.
  const topic = topicName(t.config.kafka, KAFKA_TOPICS.paymentCompleted);
  const lost = await withKafkaAdmin(t.app.services.kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const busiest = ends.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
    await admin.deleteTopicRecords({
      topic,
      partitions: [{ partition: busiest.partition, offset: busiest.high }],
    });
    return Number(busiest.high);
  });
  expect(lost).toBeGreaterThan(0);
  expect(lost).toBeLessThan(12);

  // No order writer has read anything yet: nothing is counted lost while it is behind.
  expect(await t.app.services.lostPaymentEvents.check()).toBe(0);
  expect(await t.app.services.lostPaymentEvents.check()).toBe(0);

  await withWorkers(async () => {
    const done = await waitFor(
      async () => {
        const s = await durableState(t.app, productId);
        return s.orders === 12 ? s : undefined;
      },
      { timeoutMs: 30_000, what: '12 orders' },
    );
    expect(done).toEqual({ stock: 8, orders: 12, units: 12 });
    const [row] = await sql<{ orders: number; payments: number }>(
      'select count(*) as orders, count(distinct payment_id) as payments from orders',
    );
    expect({ orders: Number(row.orders), payments: Number(row.payments) }).toEqual({
      orders: 12,
      payments: 12,
    });
    expect(await metricOf(t.url, 'payment_events_resent_total')).toBe(lost);
    await expectCleanAudit(t.app);
  });
}, 90_000);

it('a paid event that is sent again and still does not become an order is refunded, not sent every pass', async () => {
  const productId = await createProduct(t.app, { stock: 3 });
  const [member] = await createMembers(t.app, 1);
  const { id: paymentId } = await buyAndPay(t, member, productId);
  await acknowledged([paymentId]);
  // Its event is lost, and the row no longer makes a readable one (no items): every event sent
  // from it is dead-lettered as malformed.
  const topic = topicName(t.config.kafka, KAFKA_TOPICS.paymentCompleted);
  await withKafkaAdmin(t.app.services.kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({
      topic,
      partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
    });
  });
  await sql("update payments set items = '[]' where id = ?", [paymentId]);
  const resentBefore = await metricOf(t.url, 'payment_events_resent_total');
  const unplaceableBefore = (await metricOf(t.url, 'payments_unplaceable_total')) || 0;
  const deadBefore = (await t.app.services.deadLetters.list()).length;

  await withWorkers(() =>
    waitFor(
      async () => {
        const [row] = await sql<{ status: string }>('select status from payments where id = ?', [
          paymentId,
        ]);
        return row.status === 'REFUNDING';
      },
      { timeoutMs: 60_000, what: 'the payment settled as unplaceable' },
    ),
  );
  // Sent again exactly once (and dead-lettered as malformed), then refunded and released.
  expect(await metricOf(t.url, 'payment_events_resent_total')).toBe(resentBefore + 1);
  expect(await metricOf(t.url, 'payments_unplaceable_total')).toBe(unplaceableBefore + 1);
  expect((await t.app.services.deadLetters.list()).length).toBe(deadBefore + 1);
  const [row] = await sql<{ events_resent: number; refund_reason: string }>(
    'select events_resent, refund_reason from payments where id = ?',
    [paymentId],
  );
  expect({ ...row, events_resent: Number(row.events_resent) }).toEqual({
    events_resent: 1,
    refund_reason: 'UNPLACEABLE',
  });
  expect(await t.app.services.refunds.refundDue()).toBe(1);
  expect(await liveStock(t.app, productId)).toBe(3);
  expect(await durableState(t.app, productId)).toEqual({ stock: 3, orders: 0, units: 0 });
  await expectOrdersMatchPayments(t.app);
  await expectStockSettled(t.app, productId, 3);
  // The buyer was told "paid", then refunded without an order: the audit names it.
  const audit = await expectAudit(t.app, {}, ['TOLD_PAID_REFUNDED_NO_ORDER']);
  expect(audit.discrepancies[0]).toMatchObject({ paymentId });
}, 90_000);
