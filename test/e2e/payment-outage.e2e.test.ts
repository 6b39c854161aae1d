import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { dataOf } from '../helpers/gql-client';
import { createMembers, createProduct, durableState } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

let t: TestApp;
const services = (command: string) =>
  execFileSync('bash', [join(__dirname, '../../scripts/services.sh'), command], {
    stdio: 'ignore',
    timeout: 120_000,
  });

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    OUTBOX_POLL_INTERVAL_MS: '200',
  });
});
afterAll(async () => {
  services('start-kafka');
  await t?.stop();
});

it('Kafka stopped during a sale: every paid reservation becomes exactly one order once it is back', async () => {
  const productId = await createProduct(t.app, { stock: 30 });
  const members = await createMembers(t.app, 30);
  services('stop-kafka');
  try {
    const paid = await Promise.all(
      members.map(async (m) => {
        const r = dataOf(
          await t.gql(
            PurchaseDocument,
            { input: { productId: String(productId), idempotencyKey: 'k' } },
            m.token,
          ),
        ).purchase;
        if (r.__typename !== 'Reservation') throw new Error(r.__typename);
        return dataOf(await t.gql(PayDocument, { input: { reservationId: r.id } }, m.token)).pay
          .__typename;
      }),
    );
    expect(paid.every((p) => p === 'Payment')).toBe(true);
    // Recorded durably, not yet delivered.
    const [row] = await t.app.orm.em
      .getConnection()
      .execute<{ n: number }[]>('select count(*) as n from payments where published_at is null');
    expect(Number(row.n)).toBe(30);
    expect((await durableState(t.app, productId)).orders).toBe(0);
  } finally {
    services('start-kafka');
  }
  const done = await waitFor(
    async () => {
      const s = await durableState(t.app, productId);
      return s.orders >= 30 ? s : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250, what: '30 orders after Kafka is back' },
  );
  expect(done).toEqual({ stock: 0, orders: 30, units: 30 });
  await waitFor(
    async () => {
      const [row] = await t.app.orm.em
        .getConnection()
        .execute<{ n: number }[]>('select count(*) as n from payments where published_at is null');
      return Number(row.n) === 0;
    },
    // A send under way when the broker returned may finish only at its request timeout.
    { timeoutMs: 90_000, what: 'every payment marked published' },
  );
}, 240_000);
