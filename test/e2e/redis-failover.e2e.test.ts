import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { replicationStats } from '../../src/clients/redis-wait';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { subscribe, type GqlResponse } from '../helpers/gql-client';
import {
  clusterNodes,
  clusterServices,
  nodeConnection,
  ownerOf,
  replicaInSync,
  type ClusterNode,
} from '../helpers/redis-cluster';
import {
  createMembers,
  createProduct,
  durableState,
  liveStock,
  pool,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument, StockChangedDocument } from '../graphql/generated';

// Runs in the cluster project only (npm run test:cluster), where REDIS_CLUSTER_NODES is set.
if (!process.env.REDIS_CLUSTER_NODES) {
  throw new Error('redis-failover needs a Redis Cluster: run it with npm run test:cluster');
}

const STOCK = 120;
const BUYERS = 240;
const HOLD_SECONDS = 15;

let t: TestApp;
/** Connections to every node of the cluster, by port (the killed one is left out). */
const admin = new Map<number, Redis>();
let killed: number | undefined;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SALE_HOLD_SECONDS: String(HOLD_SECONDS),
    // A pay whose claim was cut by the failover is taken over quickly.
    PAYMENT_CLAIM_LEASE_SECONDS: '3',
    PAYMENT_RECOVERY_AFTER_SECONDS: '2',
    PAYMENT_RECOVERY_INTERVAL_MS: '500',
    // Every hold, claim, payment and release is on a replica before the buyer hears of it.
    REDIS_WAIT_REPLICAS: '1',
    REDIS_WAIT_TIMEOUT_MS: '50',
  });
});
afterAll(async () => {
  // The killed master comes back and rejoins as a replica of the node that took over.
  if (killed !== undefined) await clusterServices('start-redis-node', String(killed));
  for (const node of admin.values()) node.disconnect();
  await t?.stop();
});

/** CLUSTER NODES from a node that is up. */
async function topology(): Promise<ClusterNode[]> {
  for (const [port, node] of admin) {
    if (port !== killed) return clusterNodes(node);
  }
  throw new Error('no cluster node answers');
}

/** Microseconds per call of `fn`, over `n` sequential calls. */
async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

it('a master is SIGKILLed mid-sale: its replica takes over, the sale goes on, no unit is sold twice', async () => {
  const seed = t.config.redis.clusterNodes[0].port;
  admin.set(seed, nodeConnection(t.config.redis, seed));
  for (const node of await topology()) {
    if (!admin.has(node.port)) admin.set(node.port, nodeConnection(t.config.redis, node.port));
  }
  const productId = await createProduct(t.app, { stock: STOCK, purchaseLimit: 1 });
  const members = await createMembers(t.app, BUYERS);
  const slot = t.app.services.saleStore.slotOf(productId);
  const before = await topology();
  const master = ownerOf(before, slot)!;
  const replica = before.find((n) => n.masterId === master.id)!;
  expect(master).toBeDefined();
  expect(replica).toBeDefined();

  // What WAIT costs, on the product's master: a write alone, then a write and WAIT 1.
  const probe = admin.get(master.port)!;
  const key = `${t.config.redis.keyPrefix}wait-probe:{${productId}}`;
  const plain = await timed(300, (i) => probe.set(key, i));
  const waited = await timed(300, async (i) => {
    await probe.set(key, i);
    expect(await probe.wait(1, 100)).toBeGreaterThanOrEqual(1);
  });
  await probe.del(key);
  console.log(
    `WAIT 1 on a local replica (shared machine): SET ${plain.toFixed(0)} µs, ` +
      `SET + WAIT ${waited.toFixed(0)} µs (+${(waited - plain).toFixed(0)} µs per write)`,
  );

  // A live stock watcher: its frames come over sharded pub/sub from the shard that fails over.
  const socket = t.ws();
  const watcher = subscribe(socket, StockChangedDocument, { productId: String(productId) });
  await waitFor(() => watcher.events.length > 0, { what: 'the subscribe-time frame' });

  /** Every request's answer: when, what, and whether the client saw an error. */
  const answers: { at: number; status: number; error?: string }[] = [];
  let killedAt = 0;
  let failedOverAt = 0;
  let reserved = 0;
  let failover: Promise<void> | undefined;
  const kill = async () => {
    killedAt = Date.now();
    killed = master.port;
    await clusterServices('kill-redis-node', String(master.port));
    // The replica is promoted once the others have marked the master failed (node timeout).
    await waitFor(async () => ownerOf(await topology(), slot)?.port === replica.port, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `the replica on port ${replica.port} to serve slot ${slot}`,
    });
    failedOverAt = Date.now();
  };
  /** Sends until the API answers with data (an error is retried, as a client would). */
  const answered = async <T>(send: () => Promise<GqlResponse<T>>): Promise<T> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await send();
      const error = res.errors?.[0]?.extensions?.code ?? res.errors?.[0]?.message;
      answers.push({ at: Date.now(), status: res.status, error });
      if (!error && res.data) return res.data;
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
    // The master dies while buyers still reserve and pay.
    if (++reserved === STOCK / 3) failover = kill();
    for (;;) {
      const { pay } = await answered(() =>
        t.gql(PayDocument, { input: { reservationId: purchase.id } }, m.token),
      );
      // A pay cut off by the failover holds its claim until the lease ends: ask again.
      if (pay.__typename !== 'PaymentInProgressError') return pay.__typename;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  await failover;
  expect(killedAt).toBeGreaterThan(0);
  expect(failedOverAt).toBeGreaterThan(killedAt);

  // Clients saw errors only while the slot had no master (and the moments the app took to
  // notice the new one), never before the kill and never once the sale had settled on the new
  // master.
  const errors = answers.filter((a) => a.error);
  console.log(
    `failover in ${failedOverAt - killedAt} ms; ${answers.length} answers, ${errors.length} errors ` +
      `(${[...new Set(errors.map((e) => `${e.status} ${e.error}`))].join(', ') || 'none'})`,
  );
  for (const e of errors) {
    // A store that cannot answer is the client's cue to retry, never an internal error.
    expect(e.error).toBe('UNAVAILABLE');
    expect(e.at).toBeGreaterThanOrEqual(killedAt);
    expect(e.at).toBeLessThanOrEqual(failedOverAt + 5_000);
  }
  expect(answers.filter((a) => a.at > failedOverAt + 5_000 && a.status >= 500)).toEqual([]);

  // Every buyer got a final answer; the units paid for are at most the stock.
  const paid = outcomes.filter((o) => o === 'Payment').length;
  expect(
    outcomes.every((o) => ['Payment', 'SoldOutError', 'ReservationExpiredError'].includes(o)),
  ).toBe(true);
  expect(paid).toBeGreaterThan(0);
  expect(paid).toBeLessThanOrEqual(STOCK);

  // Every charge is one order or one refund; never more units ordered than stock.
  const audit = await expectCleanAudit(t.app, {}, 60_000);
  expect(audit.orders).toBe(paid);
  const durable = await waitFor(
    async () => {
      const s = await durableState(t.app, productId);
      return s.orders === paid ? s : undefined;
    },
    { timeoutMs: 60_000, what: `${paid} orders` },
  );
  expect(durable.units).toBe(paid);
  expect(durable.stock).toBe(STOCK - paid);
  expect(durable.stock).toBeGreaterThanOrEqual(0);

  // Once unpaid holds have expired, the live counter on the new master is MySQL's stock.
  await waitFor(async () => (await liveStock(t.app, productId)) === durable.stock, {
    timeoutMs: (HOLD_SECONDS + 20) * 1000,
    what: `live stock ${durable.stock}`,
  });
  // Orders match payments, and the counter on the promoted master agrees with MySQL.
  expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid, orders: paid });
  expect(await expectStockSettled(t.app, productId, STOCK, 60_000)).toEqual({
    sold: paid,
    left: STOCK - paid,
  });

  // The watcher's subscription moved to the promoted master: it sees the settled stock.
  await waitFor(() => watcher.events.at(-1)?.data?.stockChanged.remaining === durable.stock, {
    timeoutMs: 10_000,
    what: `a stockChanged frame with ${durable.stock} left`,
  });
  expect(watcher.error).toBeUndefined();
  await socket.dispose();

  const stats = replicationStats(t.app.services.redis);
  console.log(
    `WAIT during the sale: ${stats.writes} writes waited for in ${stats.waits} WAITs of ` +
      `${(stats.waitMs / Math.max(stats.waits, 1)).toFixed(2)} ms on average (${stats.shortfalls} ` +
      `without a replica ack in time); ${stats.unreplicated} ` +
      `writes on the promoted master before it had a replica were not waited for`,
  );
  expect(stats.waits).toBeGreaterThan(0);

  // The killed node comes back as a replica of the promoted one and catches up.
  await clusterServices('start-redis-node', String(master.port));
  const back = nodeConnection(t.config.redis, master.port);
  admin.set(master.port, back);
  killed = undefined;
  await waitFor(() => replicaInSync(back), {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: `port ${master.port} in sync as a replica`,
  });
  const after = await clusterNodes(back);
  expect(after.find((n) => n.port === master.port)?.masterId).toBe(replica.id);
}, 240_000);
