import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { withKafkaAdmin } from '../../src/clients/kafka';
import { KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { createLostEventCheck } from '../../src/workers/payment-relay.worker';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import {
  createMembers,
  createProduct,
  durableState,
  orderWriterOf,
  paymentRelayOf,
} from '../helpers/sale-fixtures';
import { metricOf } from '../helpers/metrics';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

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

it('paid events Kafka acknowledged but the order writer never read are sent again, once it has read past them', async () => {
  const productId = await createProduct(t.app, { stock: 20 });
  const members = await createMembers(t.app, 12);
  for (const [i, m] of members.entries()) {
    const held = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: `k${i}` } },
        m.token,
      ),
    ).purchase;
    if (held.__typename !== 'Reservation') throw new Error(held.__typename);
    const paid = dataOf(await t.gql(PayDocument, { input: { reservationId: held.id } }, m.token));
    expect(paid.pay.__typename).toBe('Payment');
  }
  // The fast path sends most events at once; one it leaves to the outbox (its sender was busy,
  // e.g. still creating the topics) goes with the relay, run here.
  await waitFor(
    async () => {
      await t.app.services.paymentEvents.relay();
      const [row] = await sql<{ n: number }>(
        "select count(*) as n from payments where status = 'PAID' and published_at is not null",
      );
      return Number(row.n) === 12;
    },
    { timeoutMs: 30_000, what: 'every payment event acknowledged' },
  );

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

  const writer = orderWriterOf(t);
  const relay = paymentRelayOf(t, 100);
  const check = createLostEventCheck({
    config: t.config,
    services: t.app.services,
    logger: t.app.logger,
  });
  await writer.start();
  await relay.start();
  await check.start();
  try {
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
  } finally {
    await check.stop();
    await relay.stop();
    await writer.stop();
  }
}, 90_000);
