import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, subscribe } from '../helpers/gql-client';
import { metricOf } from '../helpers/metrics';
import {
  buyAndPay,
  createMembers,
  createProduct,
  durableState,
  pool,
  waitForSubscribers,
  liveStock,
} from '../helpers/sale-fixtures';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import {
  PayDocument,
  PurchaseDocument,
  ReservationChangedDocument,
  ReservationByIdDocument,
} from '../graphql/generated';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SALE_HOLD_SECONDS: '2',
    SWEEPER_INTERVAL_MS: '100',
  });
});
afterAll(async () => {
  await t?.stop();
});

const live = (productId: number) => liveStock(t.app, productId);

async function reserve(productId: number, token: string, quantity = 1) {
  const res = dataOf(
    await t.gql(
      PurchaseDocument,
      { input: { productId: String(productId), quantity, idempotencyKey: `k${Math.random()}` } },
      token,
    ),
  ).purchase;
  if (res.__typename !== 'Reservation') throw new Error(`not reserved: ${res.__typename}`);
  return res;
}

describe('payment', () => {
  it('a declined payment gives exactly this reservation’s units back, once', async () => {
    const productId = await createProduct(t.app, { stock: 10 });
    const [member, other] = await createMembers(t.app, 2);
    const mine = await reserve(productId, member.token, 3);
    await reserve(productId, other.token, 2);
    expect(await live(productId)).toBe(5);

    // Another member subscribing to this reservation is refused at once.
    const peek = t.ws(other.token);
    const foreign = subscribe(peek, ReservationChangedDocument, { id: mine.id });
    const refused = await waitFor(
      () => foreign.events[0]?.errors ?? (foreign.error as readonly unknown[] | undefined),
      { what: 'the refusal of another member’s reservation' },
    );
    expect((refused[0] as { extensions?: { code?: string } }).extensions?.code).toBe('NOT_FOUND');
    await peek.dispose();

    const client = t.ws(member.token);
    const sub = subscribe(client, ReservationChangedDocument, { id: mine.id });
    await waitForSubscribers(t.app, `RESERVATION_CHANGED:${mine.id}`);
    t.app.services.paymentProvider.options.declineRate = 1;
    try {
      const declined = dataOf(
        await t.gql(PayDocument, { input: { reservationId: mine.id } }, member.token),
      ).pay;
      expect(declined).toMatchObject({
        __typename: 'PaymentDeclinedError',
        code: 'PAYMENT_DECLINED',
        reservationId: mine.id,
      });
    } finally {
      t.app.services.paymentProvider.options.declineRate = 0;
    }
    expect(await live(productId)).toBe(8);
    const [attempt] = await t.app.orm.em
      .getConnection()
      .execute<{ status: string }[]>('select status from payments where reservation_id = ?', [
        mine.id,
      ]);
    expect(attempt.status).toBe('DECLINED');
    const again = dataOf(
      await t.gql(PayDocument, { input: { reservationId: mine.id } }, member.token),
    ).pay;
    expect(again).toMatchObject({ __typename: 'ReservationExpiredError', status: 'DECLINED' });
    const view = await t.app.services.reservations.get(member.id, mine.id);
    expect(await t.app.services.reservations.release(view, 'CANCELLED')).toBe(false);
    expect(await live(productId)).toBe(8);
    const event = await waitFor(() => sub.events[0], { what: 'reservationChanged' });
    expect(event.data?.reservationChanged).toMatchObject({ id: mine.id, status: 'DECLINED' });
    sub.dispose();
    await client.dispose();
  });

  it('an expired hold is swept back once, and paying it afterwards is refused', async () => {
    const productId = await createProduct(t.app, { stock: 4 });
    const [member] = await createMembers(t.app, 1);
    const held = await reserve(productId, member.token, 3);
    expect(await live(productId)).toBe(1);
    await waitFor(async () => (await live(productId)) === 4, {
      what: 'the sweeper to release the hold',
    });
    const r = dataOf(
      await t.gql(ReservationByIdDocument, { id: held.id }, member.token),
    ).reservation;
    expect(r.status).toBe('EXPIRED');
    const late = dataOf(
      await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
    ).pay;
    expect(late).toMatchObject({
      __typename: 'ReservationExpiredError',
      code: 'RESERVATION_EXPIRED',
      status: 'EXPIRED',
    });
    const view = await t.app.services.reservations.get(member.id, held.id);
    expect(await t.app.services.reservations.release(view, 'EXPIRED')).toBe(false);
    expect(await t.app.services.reservations.sweep()).toBe(0);
    expect(await live(productId)).toBe(4);
    expect((await durableState(t.app, productId)).stock).toBe(4);
  });

  it('a release and a pay of one hold: exactly one wins, both outcomes happen, no charge for the loser', async () => {
    const productId = await createProduct(t.app, { stock: 40 });
    const members = await createMembers(t.app, 40);
    const held = await pool(members, 40, (m) => reserve(productId, m.token));
    expect(await live(productId)).toBe(0);
    const provider = t.app.services.paymentProvider;
    provider.options.latencyMs = 3;
    let outcomes: { paid: boolean; released: boolean }[];
    try {
      outcomes = await Promise.all(
        held.map(async (r, i) => {
          const view = await t.app.services.reservations.get(members[i].id, r.id);
          const [pay, released] = await Promise.all([
            (i < 4 ? new Promise((res) => setTimeout(res, 100)) : Promise.resolve()).then(() =>
              t.gql(PayDocument, { input: { reservationId: r.id } }, members[i].token),
            ),
            // The first few release before the pay can claim, the last few long after it
            // claimed; in between the two race, from the same instant to 30 ms apart.
            new Promise((res) => setTimeout(res, i < 4 ? 0 : i >= 36 ? 500 : i % 30)).then(() =>
              t.app.services.reservations.release(view, 'CANCELLED'),
            ),
          ]);
          return { paid: dataOf(pay).pay.__typename === 'Payment', released };
        }),
      );
    } finally {
      provider.options.latencyMs = 0;
    }
    for (const o of outcomes) expect(o.paid !== o.released).toBe(true);
    // The race was run, not just one side of it.
    expect(outcomes.some((o) => o.paid)).toBe(true);
    expect(outcomes.some((o) => o.released)).toBe(true);
    const paid = outcomes.filter((o) => o.paid).length;
    expect(await live(productId)).toBe(40 - paid);
    // A release beats the claim (no attempt is recorded or charged) or loses to it (the pay
    // goes through): only the paid attempts have rows, and only they were charged.
    const rows = await t.app.orm.em.getConnection().execute<{ id: string; status: string }[]>(
      `select p.id, p.status from payments p where p.reservation_id in (${held.map(() => '?').join(',')})`,
      held.map((r) => r.id),
    );
    expect(rows.map((r) => r.status)).toEqual(Array(paid).fill('PAID'));
    const charged = await provider.charges();
    const refunded = await provider.refunds();
    for (const r of rows) expect(charged.has(r.id)).toBe(true);
    for (const r of rows) expect(refunded.has(r.id)).toBe(false);
    const state = await waitFor(
      async () => {
        const s = await durableState(t.app, productId);
        return s.orders === paid ? s : undefined;
      },
      { what: `${paid} orders` },
    );
    expect(state.stock).toBe(40 - paid);
    await expectOrdersMatchPayments(t.app);
    await expectCleanAudit(t.app, { paymentIds: rows.map((r) => r.id) });
  });

  it('20 concurrent pay calls on one reservation: one charge, the others told a payment is in progress', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [member] = await createMembers(t.app, 1);
    const held = await reserve(productId, member.token, 2);
    const provider = t.app.services.paymentProvider;
    const chargedBefore = await provider.charges();
    provider.options.latencyMs = 200;
    let results;
    try {
      results = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
        ),
      );
    } finally {
      provider.options.latencyMs = 0;
    }
    const pays = results.map((r) => dataOf(r).pay);
    const paid = pays.filter((p) => p.__typename === 'Payment');
    const busy = pays.filter((p) => p.__typename === 'PaymentInProgressError');
    expect(paid.length + busy.length).toBe(20);
    expect(paid.length).toBeGreaterThanOrEqual(1);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    // Every Payment answer is the same payment.
    expect(new Set(paid.map((p) => (p.__typename === 'Payment' ? p.id : '')))).toHaveProperty(
      'size',
      1,
    );
    for (const b of busy)
      expect(b).toMatchObject({ code: 'PAYMENT_IN_PROGRESS', reservationId: held.id });
    // Exactly one charge at the provider, and one payment row.
    const charged = await provider.charges();
    const fresh = [...charged.keys()].filter((id) => !chargedBefore.has(id));
    expect(fresh).toHaveLength(1);
    const rows = await t.app.orm.em
      .getConnection()
      .execute<{ id: string; status: string }[]>(
        'select id, status from payments where reservation_id = ?',
        [held.id],
      );
    expect(rows).toEqual([{ id: fresh[0], status: 'PAID' }]);
    expect((await provider.refunds()).has(fresh[0])).toBe(false);
    // Asking again once it is over answers with that payment.
    const again = dataOf(
      await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
    ).pay;
    expect(again).toMatchObject({ __typename: 'Payment', id: fresh[0] });
    await waitFor(async () => (await durableState(t.app, productId)).orders === 1, {
      what: 'one order',
    });
    expect(await durableState(t.app, productId)).toEqual({ stock: 3, orders: 1, units: 2 });
    expect(await live(productId)).toBe(3);
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 5);
    await expectCleanAudit(t.app, { paymentIds: fresh });
  });

  it('a hold that runs out while its payment is being charged is not swept: the claim keeps it, one charge, paid', async () => {
    const productId = await createProduct(t.app, { stock: 3 });
    const [member] = await createMembers(t.app, 1);
    const held = await reserve(productId, member.token, 1);
    const provider = t.app.services.paymentProvider;
    // The charge outlasts the 2 s hold; the sweeper runs every 100 ms meanwhile.
    provider.options.latencyMs = 3000;
    let pay;
    try {
      const paying = t.gql(PayDocument, { input: { reservationId: held.id } }, member.token);
      await waitFor(
        async () => (await t.app.services.reservations.find(held.id))?.status === 'PAYING',
        { what: 'the claim' },
      );
      await new Promise((r) => setTimeout(r, 2500));
      // The hold is over, yet the sweeper left the claimed reservation alone.
      expect(await t.app.services.reservations.sweep()).toBe(0);
      expect((await t.app.services.reservations.find(held.id))?.status).toBe('PAYING');
      expect(await live(productId)).toBe(2);
      pay = dataOf(await paying).pay;
    } finally {
      provider.options.latencyMs = 0;
    }
    expect(pay).toMatchObject({ __typename: 'Payment' });
    const id = pay.__typename === 'Payment' ? pay.id : '';
    expect((await provider.refunds()).has(id)).toBe(false);
    await waitFor(async () => (await durableState(t.app, productId)).orders === 1, {
      what: 'the order',
    });
    expect(await live(productId)).toBe(2);
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 3);
    await expectCleanAudit(t.app, { paymentIds: [id] });
  });
});

describe('pay step timings', () => {
  const STEPS = ['claim', 'record', 'charge', 'mark_paid', 'paid_row'];
  const stepMetrics = () =>
    Promise.all(
      STEPS.map(async (step) => {
        const of = async (kind: string) =>
          (await metricOf(t.url, `payment_step_duration_seconds_${kind}{step="${step}"}`)) || 0;
        return { count: await of('count'), sum: await of('sum') };
      }),
    );

  it('times each completed step of pay in /metrics, the provider’s latency in the charge step', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const members = await createMembers(t.app, 3);
    const provider = t.app.services.paymentProvider;
    const before = await stepMetrics();
    provider.options.latencyMs = 200;
    try {
      await buyAndPay(t, members[0], productId);
      await buyAndPay(t, members[1], productId);
      provider.options.declineRate = 1;
      const held = await reserve(productId, members[2].token, 1);
      const { pay } = dataOf(
        await t.gql(PayDocument, { input: { reservationId: held.id } }, members[2].token),
      );
      expect(pay.__typename).toBe('PaymentDeclinedError');
    } finally {
      provider.options.latencyMs = 0;
      provider.options.declineRate = 0;
    }
    const after = await stepMetrics();
    // A declined pay stops after its charge.
    expect(Object.fromEntries(STEPS.map((s, i) => [s, after[i].count - before[i].count]))).toEqual({
      claim: 3,
      record: 3,
      charge: 3,
      mark_paid: 2,
      paid_row: 2,
    });
    // Three charges of 200 ms each. Node's timers count from the event loop's cached time, so by
    // the clock the step is measured with one may fire a few milliseconds early on a busy loop.
    expect(after[2].sum - before[2].sum).toBeGreaterThan(0.5);
  });
});
