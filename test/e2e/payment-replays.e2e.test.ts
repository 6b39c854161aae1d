import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaSender } from '../../src/clients/producer';
import { KAFKA_TOPICS } from '../../src/clients/topics';
import { encode, type PaymentCompletedEvent } from '../../src/services/payments/payment-completed';
import { PayDocument, PurchaseDocument } from '../graphql/generated';
import { expectAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { metricOf } from '../helpers/metrics';
import { createMembers, createProduct, liveStock, orderWriterOf } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// Replayed and forged `payment.completed` events, and a live counter that drifted above MySQL.
// The API role only: each test runs the order writer itself.
let t: TestApp;
let producer: KafkaSender;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
  });
  await t.app.services.paymentEvents.run(); // creates the topics
  producer = new KafkaSender(t.app.services.kafka, t.config.kafka);
});
afterAll(async () => {
  await producer?.stop();
  await t?.stop();
});

const sql = <T>(statement: string, params: unknown[] = []) =>
  t.app.orm.em.getConnection().execute<T[]>(statement, params);
const statusOf = async (paymentId: string) =>
  (await sql<{ status: string }>('select status from payments where id = ?', [paymentId]))[0]
    ?.status;
const ordersOf = async (paymentId: string) =>
  (await sql<{ id: number }>('select id from orders where payment_id = ?', [paymentId])).length;
const skipped = async () =>
  (await metricOf(t.url, 'orders_payments_skipped_total{reason="NOT_PAID"}')) || 0;

/** Purchase then pay, one member; the pay's answer (`Payment` or the error result). */
async function buy(token: string, productId: number) {
  const held = dataOf(
    await t.gql(
      PurchaseDocument,
      { input: { productId: String(productId), quantity: 1, idempotencyKey: randomUUID() } },
      token,
    ),
  ).purchase;
  if (held.__typename !== 'Reservation') return { purchase: held.__typename };
  const pay = dataOf(await t.gql(PayDocument, { input: { reservationId: held.id } }, token)).pay;
  return { purchase: held.__typename, pay };
}

describe('replayed events and counter drift', () => {
  it('a refunded payment whose event is delivered again after a restock never becomes an order', async () => {
    const productId = await createProduct(t.app, { stock: 1, price: 700 });
    const [a, b] = await createMembers(t.app, 2);
    const ids: string[] = [];
    await t.app.services.stock.remaining(t.app.orm.em, [productId]);
    expect(await liveStock(t.app, productId)).toBe(1);
    // One unit of upward drift: the counter advertises 2, MySQL has 1.
    await t.app.services.saleStore.addRemaining(productId, 1);
    const writer = orderWriterOf(t);
    await writer.start();
    try {
      // A is written first (the one unit MySQL has), then B meets the stock guard.
      const payA = (await buy(a.token, productId)).pay;
      if (payA?.__typename !== 'Payment') throw new Error('A pays');
      await waitFor(async () => (await ordersOf(payA.id)) === 1, {
        what: "A's order",
        timeoutMs: 60_000,
      });
      const payB = (await buy(b.token, productId)).pay;
      if (payB?.__typename !== 'Payment') throw new Error('B pays');
      ids.push(payA.id, payB.id);
      await waitFor(async () => (await statusOf(payB.id)) === 'REFUNDING', {
        what: "B's refund owed",
        timeoutMs: 30_000,
      });
      expect(await t.app.services.refunds.refundDue()).toBe(1);
      expect(await statusOf(payB.id)).toBe('REFUNDED');
      // A's order is cancelled: MySQL has its unit again.
      await sql('update products set stock = stock + 1 where id = ?', [productId]);
      await t.app.services.stock.reconcile(t.app.orm.em, productId, true);
      const before = await skipped();
      // B's event again, as a relay duplicate, an offset reset or a DLQ replay would bring it.
      const [row] = await sql<{ amount: number; items: string; paid_at: Date }>(
        'select amount, items, paid_at from payments where id = ?',
        [payB.id],
      );
      const event: PaymentCompletedEvent = {
        paymentId: payB.id,
        reservationId: payB.reservation.id,
        userId: b.id,
        items: JSON.parse(row.items),
        totalAmount: Number(row.amount),
        paidAt: new Date(row.paid_at).toISOString(),
      };
      await producer.send(KAFKA_TOPICS.paymentCompleted, [encode(event)]);
      await waitFor(async () => (await ordersOf(payB.id)) > 0 || (await skipped()) > before, {
        what: 'the replayed event handled',
        timeoutMs: 30_000,
      });
      expect(await ordersOf(payB.id)).toBe(0);
      expect(await skipped()).toBe(before + 1);
    } finally {
      await writer.stop();
    }
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 2);
    // B was told "paid", then refunded with no order: the audit shows it.
    await expectAudit(t.app, { paymentIds: ids }, ['TOLD_PAID_REFUNDED_NO_ORDER']);
  });

  it('a forged payment.completed event (no payment of ours) writes no order', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 900 });
    const [member] = await createMembers(t.app, 1);
    const before = await skipped();
    const forged: PaymentCompletedEvent = {
      paymentId: randomUUID(),
      reservationId: `r${randomUUID()}`,
      userId: member.id,
      items: [{ productId, quantity: 2, unitPrice: 1 }],
      totalAmount: 2,
      paidAt: new Date().toISOString(),
    };
    const writer = orderWriterOf(t);
    await writer.start();
    try {
      await producer.send(KAFKA_TOPICS.paymentCompleted, [encode(forged)]);
      await waitFor(
        async () => (await ordersOf(forged.paymentId)) > 0 || (await skipped()) > before,
        { what: 'the forged event handled', timeoutMs: 30_000 },
      );
      expect(await ordersOf(forged.paymentId)).toBe(0);
    } finally {
      await writer.stop();
    }
    const [p] = await sql<{ stock: number }>('select stock from products where id = ?', [
      productId,
    ]);
    expect(Number(p.stock)).toBe(5);
    await expectOrdersMatchPayments(t.app);
  });

  it('a counter that drifted above MySQL is repaired at the first refusal, not resold', async () => {
    const productId = await createProduct(t.app, { stock: 1, price: 500 });
    const members = await createMembers(t.app, 4);
    await t.app.services.stock.remaining(t.app.orm.em, [productId]);
    expect(await liveStock(t.app, productId)).toBe(1);
    await t.app.services.saleStore.addRemaining(productId, 1);
    const repairs = (await metricOf(t.url, 'sale_stock_drift_repairs_total')) || 0;
    const writer = orderWriterOf(t);
    await writer.start();
    const answers: string[] = [];
    try {
      for (const m of members) {
        const r = await buy(m.token, productId);
        answers.push(r.pay?.__typename ?? r.purchase);
        if (r.pay?.__typename === 'Payment') {
          const id = r.pay.id;
          await waitFor(
            async () => (await ordersOf(id)) > 0 || (await statusOf(id)) === 'REFUNDING',
            { what: 'the payment placed or refused', timeoutMs: 30_000 },
          );
        }
      }
    } finally {
      await writer.stop();
    }
    // Buyer 1 has the unit; buyer 2 met the drift (refunded); the counter was rebuilt from
    // MySQL then, so buyers 3 and 4 are told it is sold out, never charged.
    expect(answers).toEqual(['Payment', 'Payment', 'SoldOutError', 'SoldOutError']);
    expect(await liveStock(t.app, productId)).toBe(0);
    expect(await metricOf(t.url, 'sale_stock_drift_repairs_total')).toBe(repairs + 1);
    await t.app.services.refunds.refundDue();
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 1);
  });
});
