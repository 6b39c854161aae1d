import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Env } from '../../src/config';
import {
  CancelOrderDocument,
  OrderPaymentDocument,
  RequestReturnDocument,
} from '../graphql/generated';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { killChild, startChildApp } from '../helpers/child-app';
import { dataOf } from '../helpers/gql-client';
import {
  createMembers,
  createProduct,
  durableState,
  liveStock,
  paidOrder,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// The API (t) takes the requests; the workers run in a second instance (w), so a test can stop
// them and let a process of its own, which it kills, take their place. The scheduler's steps are
// applied by the tests themselves (applyDue with a later "now"), so nothing ships behind a
// cancel's back.
const HOUR = '3600';
const shared: Env = {
  PAYMENT_LATENCY_MS: '0',
  PAYMENT_DECLINE_RATE: '0',
  ORDER_SHIPPING_AFTER_SECONDS: HOUR,
  ORDER_DELIVERED_AFTER_SECONDS: HOUR,
  ORDER_RETURN_WINDOW_SECONDS: HOUR,
  ORDER_RETURN_COMPLETES_AFTER_SECONDS: '1',
  ORDER_SCHEDULER_INTERVAL_MS: '3600000',
  PAYMENT_REFUND_INTERVAL_MS: '200',
  OUTBOX_POLL_INTERVAL_MS: '200',
};

let t: TestApp;
let w: TestApp | undefined;

beforeAll(async () => {
  t = await startTestApp(__filename, { ...shared, APP_ROLE: 'api' });
  w = await startTestApp(__filename, { ...shared, APP_ROLE: 'worker' }, { fresh: false });
});
afterAll(async () => {
  await w?.stop();
  await t?.stop();
});

interface PaymentRow {
  status: string;
  refund_amount: number | null;
  refund_reason: string | null;
  refunded_at: Date | null;
  leased: number;
}

const paymentRow = async (id: string): Promise<PaymentRow> =>
  (
    await t.app.orm.em
      .getConnection()
      .execute<PaymentRow[]>(
        'select status, refund_amount, refund_reason, refunded_at, next_attempt_at > now(3) as leased from payments where id = ?',
        [id],
      )
  )[0];

const refundsOf = async (paymentId: string) =>
  (await t.app.services.paymentProvider.refunds()).get(paymentId);

describe('refunds', () => {
  it('cancel: the refund is owed with the status change and given back once; the order shows it', async () => {
    const productId = await createProduct(t.app, { stock: 10, price: 700 });
    const [member] = await createMembers(t.app, 1);
    const { orderId, paymentId, amount } = await paidOrder(t, member, productId, { quantity: 3 });
    expect(amount).toBe(2100);

    const before = dataOf(await t.gql(OrderPaymentDocument, { id: String(orderId) }, member.token))
      .order.payment;
    expect(before).toMatchObject({
      id: paymentId,
      status: 'PAID',
      amount: 2100,
      refundAmount: null,
    });

    const cancelled = dataOf(
      await t.gql(CancelOrderDocument, { input: { orderId: String(orderId) } }, member.token),
    ).cancelOrder;
    expect(cancelled).toMatchObject({ __typename: 'Order', status: 'CANCELLED' });
    // Committed with the cancel.
    expect((await paymentRow(paymentId)).refund_reason).toBe('CANCELLED');

    const after = await waitFor(
      async () => {
        const p = dataOf(await t.gql(OrderPaymentDocument, { id: String(orderId) }, member.token))
          .order.payment;
        return p.status === 'REFUNDED' ? p : undefined;
      },
      { what: 'the refund' },
    );
    expect(after).toMatchObject({ refundAmount: 2100, refundReason: 'CANCELLED' });
    expect(new Date(after.refundedAt as string).getTime()).toBeGreaterThanOrEqual(
      new Date(after.refundRequestedAt as string).getTime(),
    );
    expect(await refundsOf(paymentId)).toBe(2100);
    expect((await t.app.services.paymentProvider.refundRequests()).get(paymentId)).toEqual({
      count: 1,
      amount: 2100,
    });
    // Once: another pass finds nothing owed.
    expect(await t.app.services.refunds.refundDue()).toBe(0);
    expect(await durableState(t.app, productId)).toMatchObject({ stock: 10 });
    expect(await liveStock(t.app, productId)).toBe(10);
  });

  it('return: no refund while the return is requested, one refund once RETURNED', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 900 });
    const [member] = await createMembers(t.app, 1);
    const { orderId, paymentId } = await paidOrder(t, member, productId, { quantity: 1 });
    const lifecycle = t.app.services.orderLifecycle;
    const later = (hours: number) => new Date(Date.now() + hours * 3600_000 + 60_000);
    expect(await lifecycle.applyDue(t.app.orm.em, later(1))).toBeGreaterThanOrEqual(1); // SHIPPING
    expect(await lifecycle.applyDue(t.app.orm.em, later(2))).toBeGreaterThanOrEqual(1); // DELIVERED
    const asked = dataOf(
      await t.gql(RequestReturnDocument, { input: { orderId: String(orderId) } }, member.token),
    ).requestReturn;
    expect(asked).toMatchObject({ __typename: 'Order', status: 'RETURN_REQUESTED' });
    expect((await paymentRow(paymentId)).status).toBe('PAID');
    expect(await refundsOf(paymentId)).toBeUndefined();

    await waitFor(
      async () => (await lifecycle.applyDue(t.app.orm.em, new Date(Date.now() + 5000))) > 0,
      { what: 'RETURNED' },
    );
    const p = await waitFor(
      async () => {
        const row = await paymentRow(paymentId);
        return row.status === 'REFUNDED' ? row : undefined;
      },
      { what: 'the refund' },
    );
    expect(p).toMatchObject({ refund_amount: 900, refund_reason: 'RETURNED' });
    expect(await refundsOf(paymentId)).toBe(900);
  });

  it('a refund worker killed after the commit and before the provider call, or after the call: one refund each', async () => {
    const productId = await createProduct(t.app, { stock: 10, price: 500 });
    const members = await createMembers(t.app, 2);
    const first = await paidOrder(t, members[0], productId, { quantity: 1 });
    const second = await paidOrder(t, members[1], productId, { quantity: 2 });
    // No refund worker runs but the one the test kills.
    await w?.stop();
    w = undefined;
    const child = await startChildApp(t.config, {
      ...shared,
      APP_ROLE: 'worker',
      // Its refund requests take 3 s to reach the provider, and its answers 3 s to come back.
      PAYMENT_LATENCY_MS: '3000',
      PAYMENT_REFUND_LEASE_SECONDS: '2',
    });
    try {
      // Before the provider call: the child has claimed the owed refund (its lease moved the row's
      // next attempt ahead) and is still on its way to the provider.
      dataOf(
        await t.gql(
          CancelOrderDocument,
          { input: { orderId: String(first.orderId) } },
          members[0].token,
        ),
      );
      await waitFor(async () => Number((await paymentRow(first.paymentId)).leased) === 1, {
        what: 'the child to claim the refund',
      });
      await killChild(child.child);
      expect(await refundsOf(first.paymentId)).toBeUndefined();
      expect((await paymentRow(first.paymentId)).status).toBe('REFUNDING');
    } finally {
      await killChild(child.child);
    }

    const again = await startChildApp(t.config, {
      ...shared,
      APP_ROLE: 'worker',
      PAYMENT_LATENCY_MS: '3000',
      PAYMENT_REFUND_LEASE_SECONDS: '2',
    });
    try {
      // After the provider call: the refund is booked, the answer not back yet.
      dataOf(
        await t.gql(
          CancelOrderDocument,
          { input: { orderId: String(second.orderId) } },
          members[1].token,
        ),
      );
      await waitFor(async () => (await refundsOf(second.paymentId)) !== undefined, {
        what: 'the refund booked at the provider',
      });
      await killChild(again.child);
      expect((await paymentRow(second.paymentId)).status).toBe('REFUNDING');
    } finally {
      await killChild(again.child);
    }

    // A new worker finishes both, once the dead one's lease is over.
    w = await startTestApp(
      __filename,
      { ...shared, APP_ROLE: 'worker', PAYMENT_REFUND_LEASE_SECONDS: '2' },
      { fresh: false },
    );
    for (const { paymentId, amount } of [first, second]) {
      await waitFor(async () => (await paymentRow(paymentId)).status === 'REFUNDED', {
        what: 'the refund done',
        timeoutMs: 20_000,
      });
      expect(await refundsOf(paymentId)).toBe(amount);
    }
    // The provider's ledger counts every request: the one killed on its way never arrived (one
    // request in all); the one killed after the provider booked it is asked again, for the same
    // amount (two requests, the refund booked once).
    const requests = await t.app.services.paymentProvider.refundRequests();
    expect(requests.get(first.paymentId)).toEqual({ count: 1, amount: first.amount });
    expect(requests.get(second.paymentId)).toEqual({ count: 2, amount: 2 * second.amount });
    // Every charge of this file ends as an order or a refund, never both, never twice.
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 10);
    await expectCleanAudit(t.app);
  });
});
