import { afterAll, beforeAll, expect, it } from '@jest/globals';
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
