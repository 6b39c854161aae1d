import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PayDocument, PurchaseDocument } from '../graphql/generated';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf, errorCode } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { createMembers, createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// REDIS_WAIT_REPLICAS=1 on a Redis with no replica: every WAIT times out short. A pay.lua write
// whose WAIT fell short may be lost with its master, so the buyer is not told it succeeded; the
// recovery settles the payment from what Redis and MySQL hold.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    REDIS_WAIT_REPLICAS: '1',
    REDIS_WAIT_TIMEOUT_MS: '20',
    PAYMENT_RECOVERY_AFTER_SECONDS: '1',
    PAYMENT_RECOVERY_INTERVAL_MS: '200',
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('a WAIT that falls short', () => {
  it('pay answers UNAVAILABLE, not "paid"; the recovery then completes the payment once', async () => {
    const productId = await createProduct(t.app, { stock: 3, price: 650 });
    const [member] = await createMembers(t.app, 1);
    const held = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: randomUUID() } },
        member.token,
      ),
    ).purchase;
    if (held.__typename !== 'Reservation') throw new Error(held.__typename);
    const res = await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token);
    expect(errorCode(res)).toBe('UNAVAILABLE');
    // pay.lua did run on the master: the recovery finds it paid there and marks the row PAID.
    const [row] = await waitFor(
      async () => {
        const rows = await t.app.orm.em
          .getConnection()
          .execute<{ id: string; status: string }[]>(
            'select id, status from payments where reservation_id = ?',
            [held.id],
          );
        return rows[0]?.status === 'PAID' ? rows : undefined;
      },
      { what: 'the payment recovered as PAID', timeoutMs: 20_000 },
    );
    const again = dataOf(
      await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
    ).pay;
    expect(again).toMatchObject({ __typename: 'Payment', id: row.id });
    await waitFor(
      async () =>
        (
          await t.app.orm.em
            .getConnection()
            .execute<{ id: number }[]>('select id from orders where payment_id = ?', [row.id])
        ).length === 1,
      { what: 'the order', timeoutMs: 30_000 },
    );
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 3);
    await expectCleanAudit(t.app, { paymentIds: [row.id] });
  });
});
