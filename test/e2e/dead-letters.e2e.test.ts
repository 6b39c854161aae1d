import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaSender } from '../../src/clients/producer';
import { KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { PayDocument, PurchaseDocument, ReservationChangedDocument } from '../graphql/generated';
import { dataOf, subscribe } from '../helpers/gql-client';
import {
  createMembers,
  createProduct,
  durableState,
  liveStock,
  orderWriterOf,
  waitForSubscribers,
} from '../helpers/sale-fixtures';
import { expectAudit } from '../helpers/audit';
import { expectOrdersMatchPayments } from '../helpers/invariants';
import { metricOf } from '../helpers/metrics';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// The API role only: each test runs the order writer (and the refund pass) itself.
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

const metric = (name: string) => metricOf(t.url, name);

describe('dead letters', () => {
  it('a paid event that cannot become an order is refunded, its units released, counted and told', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 800 });
    const [member] = await createMembers(t.app, 1);
    const r = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 2, idempotencyKey: 'dl' } },
        member.token,
      ),
    ).purchase;
    if (r.__typename !== 'Reservation') throw new Error(r.__typename);
    const ws = t.ws(member.token);
    const sub = subscribe(ws, ReservationChangedDocument, { id: r.id });
    try {
      await waitForSubscribers(t.app, `RESERVATION_CHANGED:${r.id}`);
      const pay = dataOf(
        await t.gql(PayDocument, { input: { reservationId: r.id } }, member.token),
      ).pay;
      if (pay.__typename !== 'Payment') throw new Error(pay.__typename);
      expect(await liveStock(t.app, productId)).toBe(3);
      // MySQL lost units behind the sale's back: the order writer's stock guard refuses the order.
      await t.app.orm.em
        .getConnection()
        .execute('update products set stock = 1 where id = ?', [productId], 'run');
      const before = await metric('payments_unplaceable_total');
      const drift = await metric('sale_stock_drift_repairs_total');

      const writer = orderWriterOf(t);
      await writer.start();
      try {
        await waitFor(
          async () => {
            const [row] = await t.app.orm.em
              .getConnection()
              .execute<{ status: string }[]>('select status from payments where id = ?', [pay.id]);
            return row.status === 'REFUNDING';
          },
          { what: 'the refund owed', timeoutMs: 30_000 },
        );
      } finally {
        await writer.stop();
      }
      expect(await t.app.services.refunds.refundDue()).toBe(1);
      const [row] = await t.app.orm.em
        .getConnection()
        .execute<{ status: string; refund_amount: number; refund_reason: string }[]>(
          'select status, refund_amount, refund_reason from payments where id = ?',
          [pay.id],
        );
      expect(row).toEqual({
        status: 'REFUNDED',
        refund_amount: 1600,
        refund_reason: 'UNPLACEABLE',
      });
      expect((await t.app.services.paymentProvider.refunds()).get(pay.id)).toBe(1600);
      expect((await t.app.services.paymentProvider.refundRequests()).get(pay.id)).toEqual({
        count: 1,
        amount: 1600,
      });
      // Released without crediting the live counter: the refusal proved it 2 units too high
      // (MySQL lost them), so it is rebuilt from MySQL: 1, never 5.
      expect(await liveStock(t.app, productId)).toBe(1);
      expect(await durableState(t.app, productId)).toEqual({ stock: 1, orders: 0, units: 0 });
      expect(await metric('sale_stock_drift_repairs_total')).toBe((drift || 0) + 1);
      expect(await metric('payments_unplaceable_total')).toBe((before || 0) + 1);
      const told = await waitFor(
        () => sub.events.find((e) => e.data?.reservationChanged.status === 'REFUNDED'),
        { what: 'reservationChanged REFUNDED' },
      );
      expect(told.data?.reservationChanged).toMatchObject({ id: r.id, paymentId: pay.id });
      // Not parked on the dead-letter topic.
      const letters = await t.app.services.deadLetters.list();
      expect(letters.some((l) => l.value.includes(pay.id))).toBe(false);
      // The next buyer sees the 1 unit MySQL has, not a phantom.
      const [next] = await createMembers(t.app, 1);
      const more = dataOf(
        await t.gql(
          PurchaseDocument,
          { input: { productId: String(productId), quantity: 2, idempotencyKey: 'dl2' } },
          next.token,
        ),
      ).purchase;
      expect(more).toMatchObject({ __typename: 'SoldOutError', remaining: 1 });
    } finally {
      sub.dispose();
      await ws.dispose();
    }
    await expectOrdersMatchPayments(t.app);
    // The buyer was told "paid", then refunded: the audit names it.
    await expectAudit(t.app, {}, ['TOLD_PAID_REFUNDED_NO_ORDER']);
  });

  it('malformed messages go to the dead-letter topic; the operator lists and replays them', async () => {
    const writer = orderWriterOf(t);
    await writer.start();
    const marker = `not json ${randomUUID()}`;
    try {
      await producer.send(KAFKA_TOPICS.paymentCompleted, [{ key: 'x', value: marker }]);
      const letter = await waitFor(
        async () => (await t.app.services.deadLetters.list()).find((l) => l.value === marker),
        { what: 'the dead letter', timeoutMs: 60_000 },
      );
      expect(letter).toMatchObject({
        reason: 'malformed payment.completed event',
        sourceTopic: topicName(t.config.kafka, KAFKA_TOPICS.paymentCompleted),
      });
      // Replayed: read again by the writer, still unreadable, so dead-lettered a second time.
      expect(
        await t.app.services.deadLetters.replay(
          (l) => l.partition === letter.partition && l.offset === letter.offset,
        ),
      ).toBe(1);
      await waitFor(
        async () =>
          (await t.app.services.deadLetters.list()).filter((l) => l.value === marker).length === 2,
        { what: 'the replayed message back on the dead-letter topic', timeoutMs: 60_000 },
      );
    } finally {
      await writer.stop();
    }
  });
});
