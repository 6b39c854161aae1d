import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { WaitingRoomMode } from '../../src/entities/waiting-room.entity';
import { saleKeys } from '../../src/services/sale/sale-keys';
import { expectCleanAudit } from '../helpers/audit';
import { gqlRequest, type GqlResponse } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import {
  clusterNodes,
  clusterServices,
  nodeConnection,
  ownerOf,
  type ClusterNode,
} from '../helpers/redis-cluster';
import { joinRoom } from '../helpers/room';
import { createMembers, createProduct, durableState, pool } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// Runs in the cluster project only (npm run test:cluster), where REDIS_CLUSTER_NODES is set.
if (!process.env.REDIS_CLUSTER_NODES) {
  throw new Error('waiting-room-failover needs a Redis Cluster: run it with npm run test:cluster');
}

const STOCK = 30;
const MEMBERS = 60;
const BOTS = 10;
/** The room's hold: a pay cut by the failover is settled by the recovery once it is over. */
const HOLD_SECONDS = 15;
const LEASE_SECONDS = 3;
/** The master dies after this many reservations. */
const KILL_AFTER = 10;
/** Members try to buy for this long at most (no unbounded loop anywhere). */
const SALE_MS = 90_000;

let t: TestApp;
/** Connections to every node of the cluster, by port (the killed one is left out). */
const admin = new Map<number, Redis>();
let killed: number | undefined;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    // A pay whose claim was cut by the failover is taken over once the lease and the hold are over.
    PAYMENT_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS),
    PAYMENT_RECOVERY_AFTER_SECONDS: '2',
    PAYMENT_RECOVERY_INTERVAL_MS: '500',
    // Every join, hold, claim and payment is on a replica before the member hears of it.
    REDIS_WAIT_REPLICAS: '1',
    REDIS_WAIT_TIMEOUT_MS: '50',
    ROOM_TICK_MS: '200',
    ROOM_POW_BASE_COST: '2000',
    // Members and bots retry for the whole drop.
    SALE_MEMBER_PURCHASES_PER_MINUTE: '100000',
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
  for (const [port, node] of admin) if (port !== killed) return clusterNodes(node);
  throw new Error('no cluster node answers');
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PURCHASE = `mutation($i: PurchaseInput!) { purchase(input: $i) { __typename
  ... on Reservation { id } } }`;
const PAY = `mutation($i: PayInput!) { pay(input: $i) { __typename } }`;

function count(xs: string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of xs) c[x] = (c[x] ?? 0) + 1;
  return c;
}

it('the room survives a master failover mid-drop: tickets kept, bots buy nothing, no oversell, clean audit', async () => {
  const seed = t.config.redis.clusterNodes[0].port;
  admin.set(seed, nodeConnection(t.config.redis, seed));
  for (const node of await topology()) {
    if (!admin.has(node.port)) admin.set(node.port, nodeConnection(t.config.redis, node.port));
  }
  const productId = await createProduct(t.app, { stock: STOCK, purchaseLimit: 1 });
  await t.app.services.rooms.configure(t.app.orm.em.fork(), productId, {
    mode: WaitingRoomMode.FIFO,
    holdSeconds: HOLD_SECONDS,
    maxAdmitPerSecond: 20,
  });
  const members = await createMembers(t.app, MEMBERS);
  const bots = await createMembers(t.app, BOTS);
  const tickets = new Map<number, number>();
  for (const m of members) {
    const joined = await joinRoom(t.url, productId, m);
    expect(joined.__typename).toBe('WaitingRoomTicket');
    tickets.set(m.id, joined.ticket);
  }
  expect(new Set(tickets.values()).size).toBe(MEMBERS);

  const slot = t.app.services.saleStore.slotOf(productId);
  const before = await topology();
  const master = ownerOf(before, slot)!;
  const replica = before.find((n) => n.masterId === master.id)!;
  expect(master).toBeDefined();
  expect(replica).toBeDefined();

  /** Every request's answer: when, and whether the client saw an error. */
  const answers: { at: number; status: number; error?: string }[] = [];
  let killedAt = 0;
  let failedOverAt = 0;
  let failover: Promise<void> | undefined;
  const kill = async () => {
    killedAt = Date.now();
    killed = master.port;
    await clusterServices('kill-redis-node', String(master.port));
    await waitFor(async () => ownerOf(await topology(), slot)?.port === replica.port, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `the replica on port ${replica.port} to serve slot ${slot}`,
    });
    failedOverAt = Date.now();
  };
  /** Sends until the API answers with data (an error is retried for 30 s, as a client would). */
  const answered = async (send: () => Promise<GqlResponse<Any>>): Promise<Any> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await send();
      const error = res.errors?.[0]?.extensions?.code ?? res.errors?.[0]?.message;
      answers.push({ at: Date.now(), status: res.status, error: error as string | undefined });
      if (!error && res.data) return res.data;
      if (Date.now() > deadline) throw new Error(`no answer in 30 s: ${JSON.stringify(res)}`);
      await sleep(100);
    }
  };
  let keys = 0;
  /** One purchase attempt: retried on UNAVAILABLE with the same idempotency key, as a client does. */
  const purchase = (m: { token: string }) => {
    const idempotencyKey = `wf-${++keys}`;
    return answered(() =>
      gqlRequest<Any, Any>(
        t.url,
        PURCHASE,
        { i: { productId: String(productId), quantity: 1, idempotencyKey } },
        m.token,
      ),
    ).then((d) => d.purchase);
  };

  // Bots that never joined fire all along the drop.
  let done = false;
  const botOutcomes: string[] = [];
  const botLoop = pool(bots, BOTS, async (b) => {
    while (!done) {
      botOutcomes.push((await purchase(b)).__typename);
      await sleep(50);
    }
  });

  const reservations: { id: string; at: number }[] = [];
  const saleEnds = Date.now() + SALE_MS;
  const outcomes = await pool(members, 20, async (m) => {
    while (Date.now() < saleEnds) {
      const r = await purchase(m);
      if (r.__typename === 'Reservation') {
        reservations.push({ id: r.id, at: Date.now() });
        // The master dies while members still reserve and pay.
        if (reservations.length === KILL_AFTER) failover = kill();
        // A pay cut off by the failover holds its claim until the recovery settles it (after the
        // lease and the hold): asked again, bounded by that.
        const payEnds = Date.now() + (HOLD_SECONDS + LEASE_SECONDS + 20) * 1000;
        for (;;) {
          const { pay } = await answered(() =>
            gqlRequest<Any, Any>(t.url, PAY, { i: { reservationId: r.id } }, m.token),
          );
          if (pay.__typename !== 'PaymentInProgressError') return pay.__typename as string;
          if (Date.now() > payEnds) return 'PaymentStillInProgress';
          await sleep(250);
        }
      }
      if (r.__typename !== 'NotAdmittedError') return r.__typename as string;
      // Not admitted yet: wait for the line to move, unless the room has closed.
      const frame = await t.app.services.rooms
        .snapshot(t.app.orm.em.fork(), productId)
        .catch(() => undefined);
      if (frame?.state === 'SOLD_OUT') return 'RoomSoldOut';
      await sleep(200);
    }
    return 'SaleOver';
  });
  done = true;
  await botLoop;
  await failover;
  const errors = answers.filter((a) => a.error);
  console.log(
    `room failover in ${failedOverAt - killedAt} ms; members ${JSON.stringify(count(outcomes))}; ` +
      `bots ${JSON.stringify(count(botOutcomes))}; ${answers.length} answers, ${errors.length} ` +
      `errors (${[...new Set(errors.map((e) => `${e.status} ${e.error}`))].join(', ') || 'none'}); ` +
      `${reservations.filter((r) => r.at > failedOverAt).length} reservations after the failover`,
  );
  expect(killedAt).toBeGreaterThan(0);
  expect(failedOverAt).toBeGreaterThan(killedAt);

  // Clients saw errors only while the slot had no master: UNAVAILABLE, the cue to retry.
  for (const e of errors) {
    expect(e.error).toBe('UNAVAILABLE');
    expect(e.at).toBeGreaterThanOrEqual(killedAt);
    expect(e.at).toBeLessThanOrEqual(failedOverAt + 5_000);
  }

  // Bots that skipped the room reserved nothing, before, during and after the failover.
  expect(botOutcomes.length).toBeGreaterThan(0);
  expect(new Set(botOutcomes)).toEqual(new Set(['NotAdmittedError']));
  const [botOrders] = await t.app.orm.em
    .getConnection()
    .execute<{ n: number }[]>(`select count(*) as n from orders where user_id in (?)`, [
      bots.map((b) => b.id),
    ]);
  expect(Number(botOrders.n)).toBe(0);

  // Every pay got a final answer, and a charge the failover cut off was completed (pay asks the
  // promoted master again), not left PaymentInProgressError until the hold ends and refunded:
  // every reservation was paid. Members who got no unit were told so by a typed outcome.
  expect(outcomes).not.toContain('PaymentStillInProgress');
  const allowed = ['Payment', 'SoldOutError', 'RoomSoldOut'];
  expect(outcomes.filter((o) => !allowed.includes(o))).toEqual([]);
  const paid = outcomes.filter((o) => o === 'Payment').length;
  expect(paid).toBe(reservations.length);
  expect(paid).toBeGreaterThan(KILL_AFTER);
  expect(paid).toBeLessThanOrEqual(STOCK);
  // The room went on admitting on the promoted master.
  expect(reservations.filter((r) => r.at > failedOverAt).length).toBeGreaterThan(0);

  // Every ticket survived the failover (joins wait for a replica), and every reservation carries
  // its admission evidence: <ticket>:<cohort>.
  for (const m of members) {
    const mine = await t.app.services.rooms.ticketOf(t.app.orm.em.fork(), m.id, productId);
    expect(mine?.ticket).toBe(tickets.get(m.id));
  }
  const k = saleKeys(productId);
  for (const { id } of reservations) {
    expect(await t.app.services.redis.hget(k.reservation(id), 'admission')).toMatch(/^\d+:\d+$/);
  }

  // Every charge is one order or one refund; orders match payments; no oversell.
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
  const payments = await t.app.orm.em
    .getConnection()
    .execute<{ status: string; n: number }[]>(
      'select status, count(*) as n from payments group by status',
    );
  expect(Object.fromEntries(payments.map((p) => [p.status, Number(p.n)]))).toEqual({ PAID: paid });
  const matched = await expectOrdersMatchPayments(t.app);
  expect(matched.orders).toBe(paid);
  const settled = await expectStockSettled(t.app, productId, STOCK, (HOLD_SECONDS + 20) * 1000);
  expect(settled).toEqual({ sold: paid, left: STOCK - paid });
}, 240_000);
