import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PaymentStatus } from '../../src/entities/payment.entity';
import type { ReservationView } from '../../src/services/sale/reservation.service';
import { PayDocument, PurchaseDocument } from '../graphql/generated';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { createMembers, createProduct, orderWriterOf } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// The recovery of a PENDING payment against a pay() that is still running, and against a
// provider that books a charge late. The API role only: the test runs the recovery itself, with
// a 1 s hold and lease so a claim is breakable at once.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SALE_HOLD_SECONDS: '1',
    PAYMENT_CLAIM_LEASE_SECONDS: '1',
  });
});
afterAll(async () => {
  await t?.stop();
});

const statusOf = async (id: string) =>
  (
    await t.app.orm.em
      .getConnection()
      .execute<{ status: string }[]>('select status from payments where id = ?', [id])
  )[0]?.status;

/**
 * A member's reservation of one unit, claimed by payment `paymentId` whose PENDING row is due for
 * the recovery, as a pay() that stalled after recording its row leaves it; hold and lease over.
 */
async function stalledPay(productId: number, price: number) {
  const [member] = await createMembers(t.app, 1);
  const held = dataOf(
    await t.gql(
      PurchaseDocument,
      { input: { productId: String(productId), idempotencyKey: randomUUID() } },
      member.token,
    ),
  ).purchase;
  if (held.__typename !== 'Reservation') throw new Error(held.__typename);
  const paymentId = randomUUID();
  const claim = await t.app.services.reservations.claim(member.id, held.id, paymentId, 1000);
  if (claim.kind !== 'claimed') throw new Error(claim.kind);
  const row = {
    id: paymentId,
    reservation_id: held.id,
    user_id: member.id,
    amount: price,
    items: claim.reservation.items,
    status: PaymentStatus.PENDING,
    created_at: new Date(),
    paid_at: null,
  };
  await t.app.services.paymentRecords.recordPending(row, new Date());
  await sleep(1100); // hold and lease over
  return { member, reservation: claim.reservation, row };
}

describe('recovery races', () => {
  it('pay.lua landing right after the recovery read its reservation: paid, never refunded', async () => {
    const productId = await createProduct(t.app, { stock: 2, price: 600 });
    await t.app.services.stock.remaining(t.app.orm.em, [productId]);
    const { reservation, row } = await stalledPay(productId, 600);
    await t.app.services.paymentProvider.charge({
      paymentId: row.id,
      userId: row.user_id,
      amount: 600,
    });
    // The stalled pay() resumes the instant after the recovery's read of the record.
    const store = t.app.services.saleStore.reservations;
    const read = store.record.bind(store);
    let landed = false;
    store.record = async (id: string) => {
      const seen = await read(id);
      if (!landed && id === reservation.id) {
        landed = true;
        expect(await store.markPaid(reservation as ReservationView, row.id)).toBe('OK');
        await t.app.services.paymentRecords.markPaid(row, new Date());
      }
      return seen;
    };
    try {
      await t.app.services.paymentRecovery.recover(t.app.orm.em);
    } finally {
      store.record = read;
    }
    expect(landed).toBe(true);
    expect(await statusOf(row.id)).toBe('PAID');
    expect((await t.app.services.paymentProvider.refunds()).has(row.id)).toBe(false);
    const writer = orderWriterOf(t);
    await writer.start();
    try {
      await waitFor(
        async () =>
          (
            await t.app.orm.em
              .getConnection()
              .execute<{ id: number }[]>('select id from orders where payment_id = ?', [row.id])
          ).length > 0,
        { what: 'the order', timeoutMs: 30_000 },
      );
    } finally {
      await writer.stop();
    }
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 2);
    await expectCleanAudit(t.app, { paymentIds: [row.id] });
  });

  it('a charge the provider books late: the attempt is not voided until the provider has given it back', async () => {
    const productId = await createProduct(t.app, { stock: 2, price: 800 });
    await t.app.services.stock.remaining(t.app.orm.em, [productId]);
    const { row } = await stalledPay(productId, 800);
    const provider = t.app.services.paymentProvider;
    provider.options.bookingDelayMs = 1500;
    try {
      // The request reached the provider; its booking lands 1.5 s later.
      expect(
        await provider.charge({ paymentId: row.id, userId: row.user_id, amount: 800 }),
      ).toEqual({ approved: true });
    } finally {
      provider.options.bookingDelayMs = 0;
    }
    expect(await provider.state(row.id)).toBe('PENDING');
    const first = await t.app.services.paymentRecovery.recover(t.app.orm.em);
    // A refund now would do nothing: the attempt stays open.
    expect(first).toMatchObject({ voided: 0 });
    expect(await statusOf(row.id)).toBe('PENDING');
    await waitFor(async () => (await provider.state(row.id)) === 'CHARGED', {
      what: 'the late booking',
    });
    await t.app.orm.em
      .getConnection()
      .execute('update payments set next_attempt_at = now(3) where id = ?', [row.id], 'run');
    expect(await t.app.services.paymentRecovery.recover(t.app.orm.em)).toMatchObject({
      voided: 1,
    });
    expect(await statusOf(row.id)).toBe('VOID');
    expect((await provider.refunds()).get(row.id)).toBe(800);
    expect((await provider.refundRequests()).get(row.id)).toEqual({ count: 2, amount: 1600 });
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 2);
    await expectCleanAudit(t.app, { paymentIds: [row.id] });
  });

  it('a claim broken while its charge is on its way: the pay is told it expired, the charge is given back once', async () => {
    const productId = await createProduct(t.app, { stock: 2, price: 700 });
    await t.app.services.stock.remaining(t.app.orm.em, [productId]);
    const [member] = await createMembers(t.app, 1);
    const held = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: randomUUID() } },
        member.token,
      ),
    ).purchase;
    if (held.__typename !== 'Reservation') throw new Error(held.__typename);
    const provider = t.app.services.paymentProvider;
    provider.options.latencyMs = 2500;
    let answer;
    try {
      const paying = t.gql(PayDocument, { input: { reservationId: held.id } }, member.token);
      await waitFor(
        async () => (await t.app.services.reservations.find(held.id))?.status === 'PAYING',
        { what: 'the claim' },
      );
      // Hold and lease (1 s each) run out mid-charge: the sweeper breaks the claim.
      await sleep(1300);
      expect(await t.app.services.reservations.sweep()).toBe(1);
      answer = dataOf(await paying).pay;
    } finally {
      provider.options.latencyMs = 0;
    }
    expect(answer).toMatchObject({ __typename: 'ReservationExpiredError' });
    const [row] = await t.app.orm.em
      .getConnection()
      .execute<{ id: string; status: string }[]>(
        'select id, status from payments where reservation_id = ?',
        [held.id],
      );
    expect(row.status).toBe('VOID');
    expect((await provider.charges()).get(row.id)).toBe(700);
    expect((await provider.refunds()).get(row.id)).toBe(700);
    expect((await provider.refundRequests()).get(row.id)).toEqual({ count: 1, amount: 700 });
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 2);
    await expectCleanAudit(t.app, { paymentIds: [row.id] });
  });
});
