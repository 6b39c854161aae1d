import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { dataOf } from '../helpers/gql-client';
import { createMembers, createProduct, durableState, pool } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

let first: TestApp;
let second: TestApp;

beforeAll(async () => {
  first = await startTestApp(__filename, { PAYMENT_LATENCY_MS: '0', PAYMENT_DECLINE_RATE: '0' });
  second = await startTestApp(__filename, {}, { fresh: false, config: first.config });
});
afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

it('2,000 members on 2 instances race for 100 units: exactly 100 reservations, then 100 orders', async () => {
  const productId = await createProduct(first.app, { stock: 100, price: 990 });
  const members = await createMembers(first.app, 2000);
  // 400 requests in flight at any moment over two instances: real contention for the last units,
  // without overrunning the listen backlog of a small CI machine.
  const results = await pool(members, 400, (m, i) =>
    (i % 2 ? second : first).gql(
      PurchaseDocument,
      { input: { productId: String(productId), quantity: 1, idempotencyKey: `rush-${m.id}` } },
      m.token,
    ),
  );
  const outcomes = results.map((r) => dataOf(r).purchase);
  const reserved = outcomes.flatMap((o, i) =>
    o.__typename === 'Reservation' ? [{ id: o.id, member: members[i] }] : [],
  );
  expect(reserved).toHaveLength(100);
  expect(outcomes.filter((o) => o.__typename === 'SoldOutError')).toHaveLength(1900);
  expect(await first.app.services.saleStore.remaining(productId)).toBe(0);

  const paid = await Promise.all(
    reserved.map(({ id, member }, i) =>
      (i % 2 ? first : second).gql(PayDocument, { input: { reservationId: id } }, member.token),
    ),
  );
  expect(paid.every((p) => dataOf(p).pay.__typename === 'Payment')).toBe(true);
  const state = await waitFor(
    async () => {
      const s = await durableState(first.app, productId);
      return s.orders === 100 ? s : undefined;
    },
    { timeoutMs: 60_000, what: '100 orders' },
  );
  expect(state).toEqual({ stock: 0, orders: 100, units: 100 });
  expect(await first.app.services.saleStore.remaining(productId)).toBe(0);
  // Every charge became exactly one order.
  expect(await expectOrdersMatchPayments(first.app)).toEqual({ paid: 100, orders: 100 });
  expect(await expectStockSettled(first.app, productId, 100)).toEqual({ sold: 100, left: 0 });
  expect(await expectCleanAudit(first.app)).toMatchObject({ charges: 100, orders: 100 });
}, 120_000);
