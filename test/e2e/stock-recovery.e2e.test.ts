import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createRedisClient, deleteKeys } from '../../src/clients/redis';
import { KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { decode } from '../../src/services/payments/payment-completed';
import { dataOf } from '../helpers/gql-client';
import { storedValues } from '../helpers/kafka-topic';
import {
  createMembers,
  createProduct,
  durableState,
  orderWriterOf,
  paymentRelayOf,
} from '../helpers/sale-fixtures';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

// API role: the order writer starts only when the test says, so paid units can be "not yet written".
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
  });
});
afterAll(async () => {
  await t?.stop();
});

/** Deletes every Redis key of this app, as a flush or a Redis restart without persistence would. */
async function flushRedis() {
  const raw = createRedisClient(t.config.redis, 'flush');
  await raw.connect();
  try {
    await deleteKeys(raw, `${t.config.redis.keyPrefix}*`);
  } finally {
    raw.disconnect();
  }
}

it('Redis flushed mid-sale: counters are rebuilt from MySQL, nothing is oversold', async () => {
  const productId = await createProduct(t.app, { stock: 50, purchaseLimit: 1 });
  const members = await createMembers(t.app, 150);
  const buy = (i: number) =>
    t
      .gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: `b${i}` } },
        members[i].token,
      )
      .then((r) => dataOf(r).purchase);

  // First wave: 20 holds, 10 of them paid (no order writer yet: paid but not written).
  const wave1 = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(i)));
  const held = wave1.flatMap((r) => (r.__typename === 'Reservation' ? [r] : []));
  expect(held).toHaveLength(20);
  for (const [i, r] of held.slice(0, 10).entries()) {
    expect(
      dataOf(await t.gql(PayDocument, { input: { reservationId: r.id } }, members[i].token)).pay
        .__typename,
    ).toBe('Payment');
  }

  await flushRedis();

  // The unpaid holds went with Redis; the 10 paid units are still sold. Members who already paid
  // stay over their limit (rebuilt from MySQL payments).
  const again = dataOf(
    await t.gql(
      PurchaseDocument,
      { input: { productId: String(productId), idempotencyKey: 'again' } },
      members[0].token,
    ),
  ).purchase;
  expect(again.__typename).toBe('PurchaseLimitExceededError');
  const wave2 = await Promise.all(Array.from({ length: 130 }, (_, i) => buy(20 + i)));
  const reserved = wave2.flatMap((r, i) =>
    r.__typename === 'Reservation' ? [{ r, m: members[20 + i] }] : [],
  );
  expect(reserved).toHaveLength(40);
  expect(wave2.filter((r) => r.__typename === 'SoldOutError')).toHaveLength(90);
  for (const { r, m } of reserved) {
    expect(
      dataOf(await t.gql(PayDocument, { input: { reservationId: r.id } }, m.token)).pay.__typename,
    ).toBe('Payment');
  }

  const writer = orderWriterOf(t);
  // The relay too: events the fast path could not send (another test may be restarting Kafka).
  const relay = paymentRelayOf(t, 200);
  await writer.start();
  await relay.start();
  try {
    // Generous: the file before this one may have just restarted the broker.
    const done = await waitFor(
      async () => {
        const s = await durableState(t.app, productId);
        if (s.orders === 50) return s;
        // Said if the wait runs out: how far the orders got, and what is still unsent.
        const [row] = await t.app.orm.em
          .getConnection()
          .execute<{ paid: number; unpublished: number }[]>(
            `select count(*) as paid, coalesce(sum(published_at is null), 0) as unpublished
             from payments where status = 'PAID'`,
          );
        throw new Error(
          `${JSON.stringify(s)}; ${row.paid} payments paid, ${row.unpublished} of them unsent`,
        );
      },
      { timeoutMs: 60_000, what: '50 orders' },
    ).catch(async (err: unknown) => {
      // Whether Kafka holds every paid event (the writer is short) or not (a send was lost).
      const events = await storedValues(
        t.config.kafka,
        topicName(t.config.kafka, KAFKA_TOPICS.paymentCompleted),
      );
      const ids = new Set(events.map((v) => decode(v)?.paymentId));
      throw new Error(
        `${String(err)}; the topic holds ${events.length} events of ${ids.size} payments`,
      );
    });
    expect(done).toEqual({ stock: 0, orders: 50, units: 50 });
    // The live counter itself, before any sync overwrites it: present and 0 (a lost counter is
    // null, never mistaken for sold out).
    expect(await t.app.services.saleStore.remaining(productId)).toBe(0);
    expect(await t.app.services.stock.sync(t.app.orm.em.fork(), productId)).toBe(0);
  } finally {
    await relay.stop();
    await writer.stop();
  }
  await expectOrdersMatchPayments(t.app);
  await expectStockSettled(t.app, productId, 50);
  // The simulated provider's ledger lived in the flushed Redis, so charges made before the flush
  // are gone from it (ORDER_WITHOUT_CHARGE); any other kind, units included, is a real finding.
  const audit = await t.app.services.audit.run({ graceSeconds: 600 });
  expect(audit.inFlight).toBe(0);
  expect(audit.discrepancies.filter((d) => d.kind !== 'ORDER_WITHOUT_CHARGE')).toEqual([]);
}, 90_000);
