import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { DiscrepancyKind } from '../../src/services/payments/audit.service';
import { PaymentAuditDocument } from '../graphql/generated';
import { expectAudit, expectCleanAudit } from '../helpers/audit';
import { dataOf, errorCode } from '../helpers/gql-client';
import { createMember } from '../helpers/members';
import { insertOrder } from '../helpers/orders';
import { createMembers, createProduct, paidOrder } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Each test plants one kind of discrepancy and expects the audit to report exactly it (scoped to
// the test's payments); the last one expects the admin query and the command to list them all.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, { PAYMENT_LATENCY_MS: '0', PAYMENT_DECLINE_RATE: '0' });
});
afterAll(async () => {
  await t?.stop();
});

/** The audit command on this file's state: exit code and output. */
function auditCommand(): Promise<{ code: number | null; out: string }> {
  const c = t.config;
  const child = spawn(process.execPath, [join(__dirname, '../../dist/src/cli/audit-payments.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      MYSQL_DATABASE: c.mysql.dbName,
      REDIS_KEY_PREFIX: c.redis.keyPrefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

const sql = (statement: string, params: unknown[] = []) =>
  t.app.orm.em.getConnection().execute(statement, params, 'run');
const provider = () => t.app.services.paymentProvider;
const HOURS_AGO = 'now(3) - interval 2 hour';

/** A payment row planted as `status`, charged `charged` at the provider (0: not charged). */
async function plantPayment(
  userId: number,
  productId: number,
  fields: {
    status: string;
    amount?: number;
    charged?: number;
    extra?: string;
    reservation?: string;
  },
): Promise<string> {
  const id = randomUUID();
  const amount = fields.amount ?? 1000;
  await sql(
    `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, attempts, next_attempt_at)
     values (?, ?, ?, ?, ?, ?, ${HOURS_AGO}, 0, now(3) + interval 1 day)`,
    [
      id,
      fields.reservation ?? `${productId}.${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      userId,
      amount,
      JSON.stringify([{ productId, quantity: 1, unitPrice: amount }]),
      fields.status,
    ],
  );
  if (fields.extra) await sql(`update payments set ${fields.extra} where id = ?`, [id]);
  if (fields.charged !== 0)
    await provider().charge({ paymentId: id, userId, amount: fields.charged ?? amount });
  return id;
}

describe('payment audit', () => {
  it('reports nothing for real sales', async () => {
    const productId = await createProduct(t.app, { stock: 20, price: 1200 });
    const members = await createMembers(t.app, 3);
    await Promise.all(members.map((m) => paidOrder(t, m, productId)));
    const clean = await expectCleanAudit(t.app);
    expect(clean).toMatchObject({ charges: 3, orders: 3, refunds: 0, products: 1 });
    expect((await auditCommand()).code).toBe(0);
  });

  it('a charge nothing recorded, and a cancelled order whose refund never happened', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 700 });
    const [m] = await createMembers(t.app, 1);
    const lost = `lost-${randomUUID()}`;
    await provider().charge({ paymentId: lost, userId: m.id, amount: 500 });
    const paid = await paidOrder(t, m, productId);
    await sql(`update orders set status = 'CANCELLED' where id = ?`, [paid.orderId]);
    await sql('update products set stock = stock + 1 where id = ?', [productId]);
    await t.app.services.stock.reconcile(t.app.orm.em, productId, true);
    const report = await expectAudit(t.app, { paymentIds: [paid.paymentId] }, [
      DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
    ]);
    expect(report.discrepancies[0]).toMatchObject({ orderId: paid.orderId });
    const all = await t.app.services.audit.run({ graceSeconds: 600 });
    expect(all.discrepancies).toContainEqual(
      expect.objectContaining({
        kind: DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
        paymentId: lost,
      }),
    );
  });

  it('a paid payment with no order: in flight within the grace, a discrepancy after it', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [m] = await createMembers(t.app, 1);
    const id = await plantPayment(m.id, productId, { status: 'PAID', extra: 'paid_at = now(3)' });
    // The live counter, built now (as the drop watcher or any stock read may do), counts the
    // paid unit as sold though Redis never held it as paid: the units check agrees.
    expect(await t.app.services.stock.remaining(t.app.orm.em.fork(), [productId])).toEqual([4]);
    const within = await t.app.services.audit.run({ paymentIds: [id], graceSeconds: 600 });
    expect(within).toMatchObject({ inFlight: 1, products: 1, discrepancies: [] });
    await expectAudit(t.app, { paymentIds: [id], graceSeconds: 0 }, [
      DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
    ]);
  });

  it('refunded while the order stands', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 900 });
    const [m] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, m, productId);
    await provider().refund(paid.paymentId, paid.amount);
    await expectAudit(t.app, { paymentIds: [paid.paymentId] }, [
      DiscrepancyKind.REFUNDED_BUT_ORDERED,
    ]);
  });

  it('two kept charges for one reservation (a refunded second charge is not one)', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 1000 });
    const [m] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, m, productId);
    const refunded = await plantPayment(m.id, productId, {
      status: 'VOID',
      reservation: paid.reservationId,
    });
    await provider().refund(refunded, 1000);
    await expectCleanAudit(t.app, { paymentIds: [paid.paymentId, refunded] });
    const kept = await plantPayment(m.id, productId, {
      status: 'VOID',
      reservation: paid.reservationId,
    });
    const report = await expectAudit(t.app, { paymentIds: [paid.paymentId, refunded, kept] }, [
      DiscrepancyKind.DOUBLE_CHARGE,
      DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
    ]);
    const double = report.discrepancies.find((d) => d.kind === DiscrepancyKind.DOUBLE_CHARGE);
    expect(double?.detail).toContain(kept);
    expect(double?.detail).not.toContain(refunded);
  });

  it('an order without a charge', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [m] = await createMembers(t.app, 1);
    const orphan = await insertOrder(t.app, {
      userId: m.id,
      items: [{ productId, quantity: 1 }],
      charged: false,
    });
    const report = await t.app.services.audit.run({ graceSeconds: 600 });
    expect(report.discrepancies).toContainEqual(
      expect.objectContaining({ kind: DiscrepancyKind.ORDER_WITHOUT_CHARGE, orderId: orphan }),
    );
  });

  it('amounts that disagree: charge, payment, order, refund', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 800 });
    const [m] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, m, productId);
    await sql('update orders set total_amount = total_amount + 1 where id = ?', [paid.orderId]);
    const overCharged = await plantPayment(m.id, productId, { status: 'VOID', charged: 1001 });
    await provider().refund(overCharged, 1001);
    await expectAudit(t.app, { paymentIds: [paid.paymentId, overCharged] }, [
      DiscrepancyKind.AMOUNT_MISMATCH,
      DiscrepancyKind.AMOUNT_MISMATCH,
    ]);
  });

  it('a payment PENDING and a refund owed past the stuck threshold', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [m] = await createMembers(t.app, 1);
    const pending = await plantPayment(m.id, productId, { status: 'PENDING', charged: 0 });
    const owed = await plantPayment(m.id, productId, {
      status: 'REFUNDING',
      extra: `refund_amount = amount, refund_reason = 'UNPLACEABLE', refund_requested_at = ${HOURS_AGO}`,
    });
    const fresh = await t.app.services.audit.run({
      paymentIds: [pending, owed],
      stuckSeconds: 86_400,
    });
    expect(fresh).toMatchObject({ discrepancies: [] });
    await expectAudit(t.app, { paymentIds: [pending, owed], stuckSeconds: 60 }, [
      DiscrepancyKind.STUCK_PENDING,
      DiscrepancyKind.STUCK_REFUNDING,
    ]);
  });

  it('a buyer told "paid", then refunded without an order', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [m] = await createMembers(t.app, 1);
    const id = await plantPayment(m.id, productId, {
      status: 'REFUNDED',
      extra: `refund_amount = amount, refund_reason = 'UNPLACEABLE', refunded_at = now(3)`,
    });
    await provider().refund(id, 1000);
    await expectAudit(t.app, { paymentIds: [id] }, [DiscrepancyKind.TOLD_PAID_REFUNDED_NO_ORDER]);
  });

  it('live units in Redis that differ from MySQL stock', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 300 });
    const [m] = await createMembers(t.app, 1);
    const paid = await paidOrder(t, m, productId);
    await t.app.services.saleStore.addRemaining(productId, 2);
    const report = await expectAudit(t.app, { paymentIds: [paid.paymentId] }, [
      DiscrepancyKind.UNITS_MISMATCH,
    ]);
    expect(report.discrepancies[0]).toMatchObject({ productId });
  });

  it('the admin query lists every kind, a page at a time; members may not ask; the command fails', async () => {
    const admin = await createMember(t.app, Role.ADMIN);
    const viaApi = dataOf(
      await t.gql(
        PaymentAuditDocument,
        { graceSeconds: 0, stuckSeconds: 60, first: 300 },
        admin.token,
      ),
    ).paymentAudit;
    expect([...new Set(viaApi.discrepancies.map((d) => d.kind))].sort()).toEqual(
      Object.values(DiscrepancyKind).sort(),
    );
    const firstTwo = dataOf(
      await t.gql(
        PaymentAuditDocument,
        { graceSeconds: 0, stuckSeconds: 60, first: 2 },
        admin.token,
      ),
    ).paymentAudit;
    expect(firstTwo.discrepancies).toHaveLength(2);
    expect(firstTwo.discrepancyCount).toBe(viaApi.discrepancyCount);
    expect(errorCode(await t.gql(PaymentAuditDocument, { first: 0 }, admin.token))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      errorCode(await t.gql(PaymentAuditDocument, {}, (await createMembers(t.app, 1))[0].token)),
    ).toBe('FORBIDDEN');
    const page = await t.app.services.audit.run({ graceSeconds: 0, stuckSeconds: 60, pageSize: 2 });
    expect(page.discrepancies.length).toBe(viaApi.discrepancyCount);

    const { code, out } = await auditCommand();
    expect(code).toBe(1);
    for (const kind of Object.values(DiscrepancyKind)) expect(out).toContain(kind);
  });
});
