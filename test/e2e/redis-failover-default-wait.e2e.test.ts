import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { replicationStats } from '../../src/clients/redis-wait';
import { expectCleanAudit } from '../helpers/audit';
import type { GqlResponse } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import {
  clusterNodes,
  clusterServices,
  nodeConnection,
  ownerOf,
  type ClusterNode,
} from '../helpers/redis-cluster';
import { createMembers, createProduct, pool } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

// Runs in the cluster project only (npm run test:cluster), where REDIS_CLUSTER_NODES is set.
if (!process.env.REDIS_CLUSTER_NODES) {
  throw new Error(
    'redis-failover-default-wait needs a Redis Cluster: run it with npm run test:cluster',
  );
}

// The default configuration: REDIS_WAIT_REPLICAS=0, so the killed master can take acknowledged
// holds, claims and payments with it. MySQL decides: a reservation paid there is never released
// by the sweeper, a second charge of one reservation is given back, one order per reservation.
const STOCK = 60;
const BUYERS = 120;
const HOLD_SECONDS = 8;

let t: TestApp;
const admin = new Map<number, Redis>();
let killed: number | undefined;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SALE_HOLD_SECONDS: String(HOLD_SECONDS),
    SWEEPER_INTERVAL_MS: '200',
    PAYMENT_CLAIM_LEASE_SECONDS: '3',
    PAYMENT_RECOVERY_AFTER_SECONDS: '2',
    PAYMENT_RECOVERY_INTERVAL_MS: '500',
  });
  expect(t.config.redis.waitReplicas).toBe(0);
});
afterAll(async () => {
  if (killed !== undefined) await clusterServices('start-redis-node', String(killed));
  for (const node of admin.values()) node.disconnect();
  await t?.stop();
});

async function topology(): Promise<ClusterNode[]> {
  for (const [port, node] of admin) if (port !== killed) return clusterNodes(node);
  throw new Error('no cluster node answers');
}

it('a master is SIGKILLed mid-sale with WAIT off: no second order or kept charge, no paid reservation released, the audit is clean', async () => {
  const seed = t.config.redis.clusterNodes[0].port;
  admin.set(seed, nodeConnection(t.config.redis, seed));
  for (const node of await topology())
    if (!admin.has(node.port)) admin.set(node.port, nodeConnection(t.config.redis, node.port));
  const productId = await createProduct(t.app, { stock: STOCK, purchaseLimit: 1 });
  const members = await createMembers(t.app, BUYERS);
  const slot = t.app.services.saleStore.slotOf(productId);
  const master = ownerOf(await topology(), slot)!;
  const replica = (await topology()).find((n) => n.masterId === master.id)!;
  expect(replica).toBeDefined();

  const errors: string[] = [];
  let reserved = 0;
  let failover: Promise<void> | undefined;
  const kill = async () => {
    killed = master.port;
    await clusterServices('kill-redis-node', String(master.port));
    await waitFor(async () => ownerOf(await topology(), slot)?.port === replica.port, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `the replica on port ${replica.port} to serve slot ${slot}`,
    });
  };
  const answered = async <T>(send: () => Promise<GqlResponse<T>>): Promise<T> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await send();
      const error = res.errors?.[0]?.extensions?.code ?? res.errors?.[0]?.message;
      if (!error && res.data) return res.data;
      errors.push(String(error));
      if (Date.now() > deadline) throw new Error(`no answer in 60 s: ${JSON.stringify(res)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const outcomes = await pool(members, 24, async (m) => {
    const { purchase } = await answered(() =>
      t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 1, idempotencyKey: `fo-${m.id}` } },
        m.token,
      ),
    );
    if (purchase.__typename !== 'Reservation') return purchase.__typename;
    if (++reserved === STOCK / 3) failover = kill();
    for (;;) {
      const { pay } = await answered(() =>
        t.gql(PayDocument, { input: { reservationId: purchase.id } }, m.token),
      );
      if (pay.__typename !== 'PaymentInProgressError') return pay.__typename;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  await failover;
  expect(killed).toBe(master.port);
  // A store that cannot answer is the client's cue to retry, never an internal error.
  expect([...new Set(errors)].filter((e) => e !== 'UNAVAILABLE')).toEqual([]);
  expect(replicationStats(t.app.services.redis).waits).toBe(0);
  const paid = outcomes.filter((o) => o === 'Payment').length;
  expect(paid).toBeGreaterThan(0);
  expect(paid).toBeLessThanOrEqual(STOCK);

  // Once every hold is over and swept: orders match PAID payments one to one, each reservation
  // paid in MySQL is PAID in Redis too, MySQL and the live counter agree, the audit is clean.
  await new Promise((r) => setTimeout(r, (HOLD_SECONDS + 4) * 1000));
  await expectCleanAudit(t.app, { graceSeconds: 60 }, 60_000);
  const { paid: paidRows, orders } = await expectOrdersMatchPayments(t.app);
  expect(orders).toBe(paidRows);
  const rows = await t.app.orm.em
    .getConnection()
    .execute<{ id: string; reservation_id: string }[]>(
      `select id, reservation_id from payments where status = 'PAID'`,
    );
  for (const row of rows) {
    const record = await t.app.services.saleStore.reservations.record(row.reservation_id);
    expect(record?.status).toBe('PAID');
  }
  await expectStockSettled(t.app, productId, STOCK, 60_000);
}, 240_000);
