import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { saleKeys } from '../../src/services/sale/sale-keys';
import { PayDocument } from '../graphql/generated';
import { expectAudit, expectCleanAudit } from '../helpers/audit';
import { dataOf } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { createMembers, createProduct, paidOrder } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// A Redis failover with the default REDIS_WAIT_REPLICAS=0 can lose pay.lua's write after the buyer
// was told "paid". Simulated deterministically: once the order is written, the reservation's
// Redis state is put back the way a replica that missed pay.lua would hold it.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SWEEPER_INTERVAL_MS: '100',
    OUTBOX_POLL_INTERVAL_MS: '200',
  });
});
afterAll(async () => {
  await t?.stop();
});

const redis = () => t.app.services.redis;
const rows = <T>(sql: string, params: unknown[] = []) =>
  t.app.orm.em.getConnection().execute<T[]>(sql, params);

/** The reservation's Redis state as before pay.lua: `status` (PAYING by `claim`, or HELD). */
async function losePayWrite(
  productId: number,
  reservationId: string,
  status: { status: 'PAYING'; claim: string } | { status: 'HELD' },
  holdEndsAt: number,
): Promise<void> {
  const k = saleKeys(productId);
  const fields =
    status.status === 'PAYING'
      ? { status: 'PAYING', claim: status.claim, lease: '0', exp: String(holdEndsAt) }
      : { status: 'HELD', exp: String(holdEndsAt) };
  await redis()
    .multi()
    .hdel(k.reservation(reservationId), 'paymentId', 'paidAt', 'orderId', 'claim', 'lease')
    .hset(k.reservation(reservationId), fields)
    .hset(k.holdQty, reservationId, 1)
    .zadd(k.holds, holdEndsAt, reservationId)
    .hdel(k.paidQty, reservationId)
    .exec();
}

describe('a lost pay.lua write (failover, REDIS_WAIT_REPLICAS=0)', () => {
  it('the sweeper never releases a reservation MySQL holds as paid: it is marked paid again, no drift', async () => {
    const productId = await createProduct(t.app, { stock: 3, price: 400 });
    const [member] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, member, productId);
    await losePayWrite(
      productId,
      paid.reservationId,
      { status: 'PAYING', claim: paid.paymentId },
      Date.now() - 1000,
    );
    await waitFor(
      async () =>
        (await redis().zscore(saleKeys(productId).holds, paid.reservationId)) === null
          ? true
          : undefined,
      { what: 'the sweeper to look at the due hold', timeoutMs: 10_000 },
    );
    const record = await t.app.services.saleStore.reservations.record(paid.reservationId);
    expect(record).toMatchObject({ status: 'PAID', paymentId: paid.paymentId });
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 3);
    await expectCleanAudit(t.app, { paymentIds: [paid.paymentId] });
  });

  it('with the claim lost too, a second pay of the reservation is charged back: one order, one kept charge', async () => {
    const productId = await createProduct(t.app, { stock: 3, price: 400 });
    const [member] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, member, productId);
    await losePayWrite(productId, paid.reservationId, { status: 'HELD' }, Date.now() + 60_000);
    const again = dataOf(
      await t.gql(PayDocument, { input: { reservationId: paid.reservationId } }, member.token),
    ).pay;
    // The buyer hears of the payment that counts, not of a second one.
    expect(again).toMatchObject({ __typename: 'Payment', id: paid.paymentId });
    const payments = await rows<{ id: string; status: string }>(
      'select id, status from payments where reservation_id = ? order by created_at',
      [paid.reservationId],
    );
    expect(payments.map((p) => p.status)).toEqual(['PAID', 'VOID']);
    const second = payments[1].id;
    expect((await t.app.services.paymentProvider.refunds()).get(second)).toBe(400);
    const [{ n }] = await rows<{ n: number }>(
      'select count(*) as n from orders where reservation_id = ?',
      [paid.reservationId],
    );
    expect(Number(n)).toBe(1);
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 3);
    // Charged twice, the second given back: no discrepancy.
    await expectAudit(t.app, { paymentIds: [paid.paymentId, second] }, []);
  });

  it('MySQL refuses a second order for one reservation (unique key), whatever the writer is sent', async () => {
    const productId = await createProduct(t.app, { stock: 3, price: 400 });
    const [member] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, member, productId);
    await expect(
      rows(
        `insert into orders (created_at, updated_at, user_id, payment_id, reservation_id, status, total_amount, placed_at, version)
         values (now(3), now(3), ?, ?, ?, 'PLACED', 400, now(3), 1)`,
        [member.id, randomUUID(), paid.reservationId],
      ),
    ).rejects.toThrow(/Duplicate/);
    await expect(
      rows(
        `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, attempts, next_attempt_at)
         values (?, ?, ?, 400, '[]', 'PAID', now(3), 0, now(3))`,
        [randomUUID(), paid.reservationId, member.id],
      ),
    ).rejects.toThrow(/Duplicate/);
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 3);
    await expectCleanAudit(t.app, { paymentIds: [paid.paymentId] });
  });
});
