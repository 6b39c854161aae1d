import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { DiscrepancyKind } from '../../src/services/payments/audit.service';
import { PaymentAuditDocument } from '../graphql/generated';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf, errorCode } from '../helpers/gql-client';
import { createMember } from '../helpers/members';
import { insertOrder } from '../helpers/orders';
import { createMembers, createProduct, paidOrder } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

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

describe('payment audit', () => {
  it('reports nothing for real sales, and each planted kind of discrepancy', async () => {
    const productId = await createProduct(t.app, { stock: 20, price: 1200 });
    const members = await createMembers(t.app, 3);
    const [a, b, c] = await Promise.all(members.map((m) => paidOrder(t, m, productId)));
    const clean = await expectCleanAudit(t.app);
    expect(clean).toMatchObject({ charges: 3, orders: 3, refunds: 0 });
    expect((await auditCommand()).code).toBe(0);

    const provider = t.app.services.paymentProvider;
    // Charged with neither order nor refund: a charge nothing recorded.
    const lost = `lost-${randomUUID()}`;
    await provider.charge({ paymentId: lost, userId: members[0].id, amount: 500 });
    // Refunded and still ordered.
    await provider.refund(a.paymentId, a.amount);
    // Two charges for one reservation (the second refunded: still two charges on the card).
    const second = randomUUID();
    await t.app.orm.em.getConnection().execute(
      `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, attempts, next_attempt_at)
         values (?, ?, ?, 1200, '[]', 'VOID', now(3), 0, now(3))`,
      [second, b.reservationId, members[1].id],
      'run',
    );
    await provider.charge({ paymentId: second, userId: members[1].id, amount: 1200 });
    await provider.refund(second, 1200);
    // An order without a charge.
    const orphan = await insertOrder(t.app, {
      userId: members[2].id,
      items: [{ productId, quantity: 1 }],
    });

    const report = await t.app.services.audit.run({ graceSeconds: 0 });
    const byKind = (kind: DiscrepancyKind) => report.discrepancies.filter((d) => d.kind === kind);
    expect(report.discrepancies).toHaveLength(4);
    expect(byKind(DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND)).toEqual([
      expect.objectContaining({ paymentId: lost, orderId: null }),
    ]);
    expect(byKind(DiscrepancyKind.REFUNDED_BUT_ORDERED)).toEqual([
      expect.objectContaining({ paymentId: a.paymentId, orderId: a.orderId }),
    ]);
    expect(byKind(DiscrepancyKind.DOUBLE_CHARGE)).toEqual([
      expect.objectContaining({ reservationId: b.reservationId }),
    ]);
    expect(byKind(DiscrepancyKind.DOUBLE_CHARGE)[0].detail).toContain(second);
    expect(byKind(DiscrepancyKind.ORDER_WITHOUT_CHARGE)).toEqual([
      expect.objectContaining({ orderId: orphan }),
    ]);
    expect(c.orderId).toBeGreaterThan(0);

    // The admin query says the same; members may not ask.
    const admin = await createMember(t.app, Role.ADMIN);
    const viaApi = dataOf(
      await t.gql(PaymentAuditDocument, { graceSeconds: 0 }, admin.token),
    ).paymentAudit;
    expect(viaApi.discrepancies.map((d) => d.kind).sort()).toEqual(
      Object.values(DiscrepancyKind).sort(),
    );
    expect(errorCode(await t.gql(PaymentAuditDocument, {}, members[0].token))).toBe('FORBIDDEN');

    // The command lists them and fails.
    const { code, out } = await auditCommand();
    expect(code).toBe(1);
    for (const kind of Object.values(DiscrepancyKind)) expect(out).toContain(kind);
    expect(out).toContain('4 discrepancies');
  });
});
