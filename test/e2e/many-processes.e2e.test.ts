import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import type { Env } from '../../src/config';
import { groupId } from '../../src/clients/kafka';
import { expectCleanAudit } from '../helpers/audit';
import { killChild, startChildApp } from '../helpers/child-app';
import { dataOf, gqlRequest, subscribe, wsClient } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { expectKafkaCluster } from '../helpers/kafka-cluster';
import { createMembers, createProduct, type Member, pool } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import {
  CancelOrderDocument,
  PayDocument,
  PurchaseDocument,
  StockChangedDocument,
  TypenameDocument,
} from '../graphql/generated';

// Cluster run only (npm run test:cluster): every role twice, each its own OS process (the built
// app), on the three Kafka brokers and on the Redis Cluster when REDIS_CLUSTER_NODES is set. The
// test's own instance (API role, no traffic) only sets up state and reads it.
const shared: Env = {
  PAYMENT_DECLINE_RATE: '0',
  PAYMENT_LATENCY_MS: '20',
  OUTBOX_POLL_INTERVAL_MS: '100',
  PAYMENT_REFUND_INTERVAL_MS: '200',
};
const STOCK = 120;
const BUYERS = 400;
const CANCELS = 20;

/**
 * gqlRequest as a member's client sends it: a keep-alive connection the server closed just as the
 * request went out (its idle timer and a starved client on a busy machine) is retried, like any
 * client does; purchase, pay and cancel are idempotent, so a retry is safe. Anything else fails.
 */
const post: typeof gqlRequest = async (url, doc, variables, token) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gqlRequest(url, doc, variables, token);
    } catch (err) {
      const code = ((err as Error).cause as { code?: string } | undefined)?.code;
      if (!['UND_ERR_SOCKET', 'ECONNRESET'].includes(code ?? '') || attempt === 3) throw err;
    }
  }
};

let t: TestApp;
const children: ChildProcess[] = [];
let api: string[] = [];
let realtime: string[] = [];

beforeAll(async () => {
  t = await startTestApp(__filename, { ...shared, APP_ROLE: 'api' });
  expectKafkaCluster(t.config);
  const start = async (role: 'api' | 'worker' | 'realtime') => {
    const { child, url } = await startChildApp(t.config, {
      ...shared,
      APP_ROLE: role,
      // Every socket goes to the realtime processes.
      API_SERVES_WEBSOCKETS: 'false',
    });
    children.push(child);
    // Each process's log in a file of its own, for a failure's post-mortem.
    child.stdout!.pipe(
      createWriteStream(join(tmpdir(), `many-processes.${role}.${child.pid}.log`)),
    );
    return url;
  };
  const roles = ['api', 'api', 'worker', 'worker', 'realtime', 'realtime'] as const;
  const urls = await Promise.all(roles.map(start));
  api = urls.slice(0, 2);
  // Each API has answered once before the rush.
  for (const url of api) expect((await gqlRequest(url, TypenameDocument)).status).toBe(200);
  realtime = urls.slice(4).map((u) => u.replace(/^http/, 'ws'));
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map(killChild));
  await t?.stop();
});

it('2 API, 2 worker and 2 realtime processes: rush, payments, cancel → refund and live stock keep every invariant', async () => {
  const productId = await createProduct(t.app, { stock: STOCK, price: 800 });
  const members = await createMembers(t.app, BUYERS);
  const byUser = new Map(members.map((m) => [m.id, m]));

  // Watchers on both realtime processes, three sockets each.
  const clients = realtime.flatMap((url) => [0, 1, 2].map(() => wsClient(url)));
  const subs = clients.map((c) =>
    subscribe(c, StockChangedDocument, { productId: String(productId) }),
  );
  await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'every first frame' });
  expect(subs.every((s) => s.events[0]!.data?.stockChanged.remaining === STOCK)).toBe(true);

  // The rush: 400 members over both APIs for 120 units.
  const outcomes = await pool(
    members,
    100,
    async (m, i) =>
      dataOf(
        await post(
          api[i % 2]!,
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: `mp-${m.id}` } },
          m.token,
        ),
      ).purchase,
  );
  const reserved = outcomes.flatMap((o, i) =>
    o.__typename === 'Reservation' ? [{ id: o.id, member: members[i]! }] : [],
  );
  expect(reserved).toHaveLength(STOCK);
  expect(outcomes.filter((o) => o.__typename === 'SoldOutError')).toHaveLength(BUYERS - STOCK);
  for (const s of subs)
    await waitFor(() => s.events.at(-1)?.data?.stockChanged.soldOut, {
      what: 'SOLD_OUT on every socket of both realtime processes',
    });

  // Each pays on the other API than the one that took the purchase.
  const paid = await pool(
    reserved,
    40,
    async ({ id, member }, i) =>
      dataOf(
        await post(api[(i + 1) % 2]!, PayDocument, { input: { reservationId: id } }, member.token),
      ).pay,
  );
  expect(paid.every((p) => p.__typename === 'Payment')).toBe(true);

  // Both workers write orders: two members in the order writer's consumer group.
  const orders = await waitFor(
    async () => {
      const rows = await t.app.orm.em
        .getConnection()
        .execute<{ id: number; user_id: number }[]>('select id, user_id from orders');
      return rows.length >= STOCK ? rows : undefined;
    },
    { timeoutMs: 60_000, what: `${STOCK} orders` },
  );
  expect(orders).toHaveLength(STOCK);
  expect(await orderWriterMembers()).toBe(2);

  // Lifecycle: some owners cancel on either API; their refund is given once, the units return.
  // Four at a time: each cancel restocks the product's one MySQL row in its transaction.
  const cancelled = await pool(orders.slice(0, CANCELS), 4, async (o, i) => {
    const owner: Member = byUser.get(o.user_id)!;
    return dataOf(
      await post(
        api[i % 2]!,
        CancelOrderDocument,
        { input: { orderId: String(o.id) } },
        owner.token,
      ),
    ).cancelOrder;
  });
  expect(cancelled.every((c) => c.__typename === 'Order' && c.status === 'CANCELLED')).toBe(true);
  await waitFor(
    async () => {
      const [row] = await t.app.orm.em
        .getConnection()
        .execute<{ n: number }[]>(`select count(*) as n from payments where status = 'REFUNDED'`);
      return Number(row!.n) === CANCELS;
    },
    { timeoutMs: 30_000, what: `${CANCELS} refunds` },
  );

  // Every invariant: orders = paid, no oversell, live = MySQL stock, the audit clean.
  expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: STOCK - CANCELS, orders: STOCK });
  expect(await expectStockSettled(t.app, productId, STOCK)).toEqual({
    sold: STOCK - CANCELS,
    left: CANCELS,
  });
  expect(await expectCleanAudit(t.app)).toMatchObject({
    charges: STOCK,
    refunds: CANCELS,
    orders: STOCK,
  });
  // Every watcher on both realtime processes ends on the restocked value, at one version.
  const finals = [];
  for (const s of subs)
    finals.push(
      await waitFor(
        () => {
          const last = s.events.at(-1)?.data?.stockChanged;
          return last?.remaining === CANCELS ? last : undefined;
        },
        { what: `the restocked ${CANCELS} on every socket` },
      ),
    );
  expect(finals.every((f) => !f.soldOut)).toBe(true);
  expect(new Set(finals.map((f) => f.version)).size).toBe(1);
  for (const s of subs) {
    const versions = s.events.map((e) => Number(e.data!.stockChanged.version));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  }
  await Promise.all(clients.map((c) => c.dispose()));
}, 300_000);

async function orderWriterMembers(): Promise<number> {
  const admin = new Kafka({ brokers: t.config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const group = groupId(t.config.kafka, 'order-writer');
    return await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([group]);
        return groups[0]?.state === 'Stable' ? groups[0].members.length : undefined;
      },
      { timeoutMs: 30_000, what: `group ${group} stable` },
    );
  } finally {
    await admin.disconnect();
  }
}
