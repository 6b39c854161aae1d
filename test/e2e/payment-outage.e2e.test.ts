import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { OrderStatus } from '../../src/entities/order.entity';
import { PaymentEventPublisher } from '../../src/services/payments/events';
import {
  fromRow,
  PAID_PAYMENT_COLUMNS,
  type PaidPaymentRow,
} from '../../src/services/payments/payment-completed';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import {
  buyAndPay,
  createMembers,
  createProduct,
  durableState,
  orderWriterOf,
  paymentRelayOf,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// The API role: the test runs the relays and the order writer itself, so it knows who sends what.
let t: TestApp;
const services = (command: string) =>
  execFileSync('bash', [join(__dirname, '../../scripts/services.sh'), command], {
    stdio: 'ignore',
    timeout: 120_000,
  });

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    PAYMENT_RELAY_LEASE_SECONDS: '60',
  });
});
afterAll(async () => {
  services('start-kafka');
  await t?.stop();
}, 120_000);

const unpublished = async () => {
  const [row] = await t.app.orm.em
    .getConnection()
    .execute<{ n: number }[]>('select count(*) as n from payments where published_at is null');
  return Number(row.n);
};

it('Kafka stopped during a sale: every paid reservation becomes exactly one order once it is back', async () => {
  const productId = await createProduct(t.app, { stock: 30 });
  const members = await createMembers(t.app, 30);
  const relays: PaymentEventPublisher[] = [];
  services('stop-kafka');
  try {
    const paid = await Promise.all(members.map((m) => buyAndPay(t, m, productId)));
    expect(paid).toHaveLength(30);
    // Recorded durably, not yet delivered.
    expect(await unpublished()).toBe(30);
    expect((await durableState(t.app, productId)).orders).toBe(0);

    // Two relays during the outage. The first claims every due row with a lease and then waits
    // for the absent broker with no transaction open: the rows are not locked (the fast path's
    // markPublished is never blocked behind it) and the second relay finds nothing to send.
    const conn = t.app.orm.em.getConnection();
    for (let i = 0; i < 2; i++) {
      relays.push(
        new PaymentEventPublisher(t.app.services.kafka, t.app.orm.em, t.config, t.app.logger),
      );
    }
    const [first, second] = relays;
    for (let attempt = 1; ; attempt++) {
      await conn.execute(
        `update payments set next_attempt_at = now(3) - interval 1 second where published_at is null`,
      );
      let settled = false;
      const sending = first.run().finally(() => {
        settled = true;
      });
      await waitFor(
        async () => {
          const [row] = await conn.execute<{ n: number }[]>(
            `select count(*) as n from payments
             where published_at is null and next_attempt_at > now(3) + interval 30 second`,
          );
          return Number(row.n) === 30;
        },
        { what: 'the first relay to lease every row' },
      );
      const locked = await t.app.orm.em
        .fork()
        .transactional(async (em) =>
          em.execute<{ id: string }[]>(
            `select id from payments where published_at is null for update nowait`,
          ),
        );
      const secondSent = await second.run();
      const stillSending = !settled;
      expect(await sending).toBe(0);
      // Only meaningful while the first send was still waiting for the broker; it waits seconds.
      if (!stillSending && attempt < 5) continue;
      expect(stillSending).toBe(true);
      expect(locked).toHaveLength(30);
      expect(secondSent).toBe(0);
      break;
    }
    expect(await unpublished()).toBe(30);

    // The app's own fast paths meanwhile: events keep coming while the broker is away, yet at
    // most 2,000 of each wait in memory (the send under way and the next ones); the other events
    // stay in the outbox for the relay.
    const pause = () => new Promise((r) => setTimeout(r, 20));
    const fast = t.app.services.paymentEvents;
    const paidEvents = (
      await conn.execute<PaidPaymentRow[]>(`select ${PAID_PAYMENT_COLUMNS} from payments limit 12`)
    ).map(fromRow);
    let most = 0;
    for (let round = 0; round < 250; round++) {
      fast.push(paidEvents);
      most = Math.max(most, fast.held);
      if (round % 25 === 0) await pause();
    }
    expect(most).toBe(2000);

    const notifier = t.app.services.orderStatus;
    most = 0;
    for (let round = 0; round < 6; round++) {
      await notifier.notify(
        Array.from({ length: 500 }, (_, i) => ({
          orderId: 1,
          userId: 1,
          from: null,
          to: OrderStatus.PLACED,
          at: new Date().toISOString(),
          changeId: 1_000_000 + round * 500 + i,
          actor: 'SYSTEM',
        })),
      );
      most = Math.max(most, notifier.outbox.held);
      await pause();
    }
    expect(most).toBe(2000);
  } finally {
    services('start-kafka');
    await Promise.all(relays.map((r) => r.stop()));
  }

  const writer = orderWriterOf(t);
  const relay = paymentRelayOf(t, 200);
  await writer.start();
  await relay.start();
  try {
    const done = await waitFor(
      async () => {
        const s = await durableState(t.app, productId);
        return s.orders >= 30 ? s : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: '30 orders after Kafka is back' },
    );
    expect(done).toEqual({ stock: 0, orders: 30, units: 30 });
    // A send under way when the broker returned may finish only at its request timeout.
    await waitFor(async () => (await unpublished()) === 0, {
      timeoutMs: 90_000,
      what: 'every payment marked published',
    });
    // Every charge became exactly one order, and the live counter agrees with MySQL.
    expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: 30, orders: 30 });
    expect(await expectStockSettled(t.app, productId, 30)).toEqual({ sold: 30, left: 0 });
    expect(await expectCleanAudit(t.app)).toMatchObject({ charges: 30, orders: 30, refunds: 0 });
  } finally {
    await relay.stop();
    await writer.stop();
  }
}, 240_000);
