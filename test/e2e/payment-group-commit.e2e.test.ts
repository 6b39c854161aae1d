import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { PaymentStatus } from '../../src/entities/payment.entity';
import { PaymentRecords, type PaymentRow } from '../../src/services/payments/records';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import { createMembers, createProduct, durableState, liveStock } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument, ReservationByIdDocument } from '../graphql/generated';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '20',
    PAYMENT_DECLINE_RATE: '0',
    SALE_HOLD_SECONDS: '60',
  });
});
afterAll(async () => {
  await t?.stop();
});

const PAYERS = 24;

it('concurrent pays share group commits; a batch MySQL refuses fails each of its pays with no charge, and they can pay again', async () => {
  const productId = await createProduct(t.app, { stock: 30 });
  const members = await createMembers(t.app, PAYERS);
  const held = await Promise.all(
    members.map(async (m, i) => {
      const res = dataOf(
        await t.gql(
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: `gc-${i}` } },
          m.token,
        ),
      ).purchase;
      if (res.__typename !== 'Reservation') throw new Error(`not reserved: ${res.__typename}`);
      return { member: m, reservationId: res.id };
    }),
  );
  const conn = t.app.orm.em.getConnection();
  // MySQL refuses the first member's PENDING row, and with it the multi-row INSERT it is part of.
  await conn.execute(
    `create trigger payments_refuse_one before insert on payments for each row
     begin
       if new.user_id = ${members[0].id} then
         signal sqlstate '45000' set message_text = 'refused by the test';
       end if;
     end`,
  );
  const charged = t.app.services.paymentProvider;
  let results;
  try {
    results = await Promise.all(
      held.map((h) =>
        t.gql(PayDocument, { input: { reservationId: h.reservationId } }, h.member.token),
      ),
    );
  } finally {
    await conn.execute('drop trigger payments_refuse_one');
  }
  const paid = held.filter((_, i) => results[i].data?.pay?.__typename === 'Payment');
  const failed = held.filter((_, i) => results[i].errors?.length);
  expect(paid.length + failed.length).toBe(PAYERS);
  expect(failed.map((f) => f.member.id)).toContain(members[0].id);

  // A pay whose row was refused charged nothing, left no row, and its reservation is held again.
  const rows = await conn.execute<{ reservation_id: string; status: string }[]>(
    'select reservation_id, status from payments',
  );
  expect(rows.map((r) => r.status)).toEqual(paid.map(() => 'PAID'));
  expect(new Set(rows.map((r) => r.reservation_id))).toEqual(
    new Set(paid.map((p) => p.reservationId)),
  );
  expect((await charged.charges()).size).toBe(paid.length);
  for (const f of failed) {
    const r = dataOf(
      await t.gql(ReservationByIdDocument, { id: f.reservationId }, f.member.token),
    ).reservation;
    expect(r.status).toBe('HELD');
  }

  // Paying again succeeds, each reservation becomes exactly one order.
  for (const f of failed) {
    const again = dataOf(
      await t.gql(PayDocument, { input: { reservationId: f.reservationId } }, f.member.token),
    ).pay;
    expect(again.__typename).toBe('Payment');
  }
  await waitFor(async () => (await durableState(t.app, productId)).orders === PAYERS, {
    what: `${PAYERS} orders`,
  });
  expect(await durableState(t.app, productId)).toEqual({
    stock: 30 - PAYERS,
    orders: PAYERS,
    units: PAYERS,
  });
  expect(await liveStock(t.app, productId)).toBe(30 - PAYERS);
  expect(await expectCleanAudit(t.app)).toMatchObject({ charges: PAYERS, orders: PAYERS });
});

it('a PENDING → PAID batch tells its callers they won only when it changed every row; the paid rows become one order each either way', async () => {
  const productId = await createProduct(t.app, { stock: 10, price: 700 });
  const members = await createMembers(t.app, 4);
  const { paymentProvider: provider, paymentEvents } = t.app.services;
  const records = new PaymentRecords(t.app.orm.em, paymentEvents, t.app.logger);
  const rows: PaymentRow[] = members.map((m, i) => ({
    id: randomUUID(),
    reservation_id: `${productId}.batch-test-${i}xxxx`,
    user_id: m.id,
    amount: 700,
    items: [{ productId, quantity: 1, unitPrice: 700 }],
    status: PaymentStatus.PENDING,
    created_at: new Date(),
    paid_at: null,
  }));
  const later = new Date(Date.now() + 600_000);
  await Promise.all(rows.map((r) => records.recordPending(r, later)));
  // Charged, as a pay does before marking its row; the second row was voided meanwhile (as a
  // recovery does with a charge it refunded).
  for (const r of rows) await provider.charge({ paymentId: r.id, userId: r.user_id, amount: 700 });
  await provider.refund(rows[1].id, 700);
  await t.app.orm.em
    .getConnection()
    .execute(`update payments set status = 'VOID' where id = ?`, [rows[1].id]);

  // One batch with the voided row: it stays VOID, the other becomes PAID, and neither caller
  // is told it won (the statement cannot say which row it changed).
  const mixed = await Promise.all([rows[0], rows[1]].map((r) => records.markPaid(r, new Date())));
  expect(mixed).toEqual([false, false]);
  // One batch of PENDING rows, one of them twice: each row's first caller wins.
  const clean = await Promise.all(
    [rows[2], rows[3], rows[3]].map((r) => records.markPaid(r, new Date())),
  );
  expect(clean).toEqual([true, true, false]);

  const statuses = await t.app.orm.em.getConnection().execute<{ id: string; status: string }[]>(
    `select id, status from payments where id in (?, ?, ?, ?)`,
    rows.map((r) => r.id),
  );
  expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
    [rows[0].id]: 'PAID',
    [rows[1].id]: 'VOID',
    [rows[2].id]: 'PAID',
    [rows[3].id]: 'PAID',
  });
  // The winners' events went out at once, the unclaimed one with the relay: three orders.
  await waitFor(async () => (await durableState(t.app, productId)).orders === 3, {
    what: 'three orders',
  });
  expect(await durableState(t.app, productId)).toEqual({ stock: 7, orders: 3, units: 3 });
  expect(await expectCleanAudit(t.app)).toMatchObject({ discrepancies: [] });
});
