import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from 'graphql-ws';
import { Session } from '../../src/entities/session.entity';
import { CLOSE_CODES } from '../../src/realtime/ws-server';
import { createMembers, createProduct, pool, waitForSubscribers } from '../helpers/sale-fixtures';
import { subscribe, wsClient } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { killOwnConnections } from '../helpers/redis-connections';
import {
  MyOrderPlacedDocument,
  PurchaseDocument,
  SignUpDocument,
  StockChangedDocument,
} from '../graphql/generated';
import { print } from 'graphql';

// What one client can do to everyone else's websockets: slow other products' frames, keep a
// revoked session's socket, or hold an operation open forever.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    REALTIME_SEND_BUDGET: '20',
    STOCK_FRAME_MS: '50',
    PAYMENT_LATENCY_MS: '0',
    WS_SESSION_CHECK_MS: '200',
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
  });
});
afterAll(async () => {
  await t?.stop();
});

function closeCode(client: Client): Promise<number> {
  return new Promise((resolve) => {
    client.on('closed', (event) => resolve((event as { code: number }).code));
  });
}

describe('send budget', () => {
  it('watchers of one product do not slow another product’s frames', async () => {
    const crowded = await createProduct(t.app, { stock: 5 });
    const quiet = await createProduct(t.app, { stock: 24 });
    // 19 watchers on one product: with one budget for the whole process, 20 watchers at 20
    // writes/s would space every channel's frames a second apart.
    const crowd = wsClient(t.wsUrl);
    const crowdSubs = Array.from({ length: 19 }, () =>
      subscribe(crowd, StockChangedDocument, { productId: String(crowded) }),
    );
    await waitFor(() => crowdSubs.every((s) => s.events.length > 0), { what: 'crowd frames' });
    const watcher = wsClient(t.wsUrl);
    const watched = subscribe(watcher, StockChangedDocument, { productId: String(quiet) });
    await waitFor(() => watched.events.length > 0, { what: 'first frame' });
    const buyers = await createMembers(t.app, 24);
    // About 1.2 s of sales, a frame every 100 ms or so.
    for (let i = 0; i < buyers.length; i += 2) {
      await pool(buyers.slice(i, i + 2), 2, (m, j) =>
        t.gql(
          PurchaseDocument,
          { input: { productId: String(quiet), idempotencyKey: `q-${i + j}` } },
          m.token,
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => watched.events.at(-1)?.data?.stockChanged.soldOut, { what: 'SOLD_OUT' });
    // Its own channel has one watcher: frames every 50 ms fit; a shared budget allows 2-3.
    expect(watched.events.length).toBeGreaterThanOrEqual(6);
    await Promise.all([crowd.dispose(), watcher.dispose()]);
  });
});

describe('anonymous sockets', () => {
  it('past WS_MAX_ANONYMOUS_CONNECTIONS more are closed (4029); members still connect', async () => {
    // The per-address cap (100) is far off: the refusal is the process-wide anonymous cap's.
    const app = await startTestApp(`${__filename}-anonymous`, {
      WS_MAX_ANONYMOUS_CONNECTIONS: '2',
    });
    try {
      const productId = String(await createProduct(app.app, { stock: 5 }));
      const watchers = [app.ws(), app.ws()];
      const subs = watchers.map((c) => subscribe(c, StockChangedDocument, { productId }));
      await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'two watchers' });
      const third = app.ws();
      const refused = closeCode(third);
      subscribe(third, StockChangedDocument, { productId });
      expect(await refused).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
      // A member is not an anonymous watcher: still admitted.
      const [member] = await createMembers(app.app, 1);
      const own = wsClient(app.wsUrl, member!.token);
      const mine = subscribe(own, StockChangedDocument, { productId });
      await waitFor(() => mine.events.length > 0, { what: 'member frame' });
      // A place freed is a place taken again.
      await watchers[0]!.dispose();
      const next = app.ws();
      const again = subscribe(next, StockChangedDocument, { productId });
      await waitFor(() => again.events.length > 0, { what: 'watcher after a close' });
      await Promise.all([watchers[1]!.dispose(), third.dispose(), own.dispose(), next.dispose()]);
    } finally {
      await app.stop();
    }
  });
});

describe('revocation', () => {
  it('a revocation whose message was lost still closes the socket (periodic re-check)', async () => {
    const [member] = await createMembers(t.app, 1);
    const client = t.ws(member!.token);
    const code = closeCode(client);
    subscribe(client, MyOrderPlacedDocument);
    await waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${member!.id}`);
    // Revoked in MySQL and the deny-list, but the pub/sub message never arrives.
    const em = t.app.orm.em.fork();
    const session = await em.findOneOrFail(Session, { user: member!.id });
    session.revokedAt = new Date();
    await em.flush();
    await t.app.services.redis.set(`auth:session:${session.id}:revoked`, '1', 'EX', 960);
    const closed = await Promise.race([
      code,
      new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 3000)),
    ]);
    expect(closed).toBe(CLOSE_CODES.SESSION_ENDED);
  });
});

describe('revocation across a pub/sub reconnect', () => {
  it('a revocation lost while the subscriber was away closes the socket once it is back', async () => {
    // No periodic re-check here: only the re-check on reconnect can close the socket.
    const app = await startTestApp(`${__filename}-reconnect`, { WS_SESSION_CHECK_MS: '0' });
    try {
      const [member] = await createMembers(app.app, 1);
      const client = wsClient(app.wsUrl, member!.token);
      let closedWith: number | undefined;
      void closeCode(client).then((c) => (closedWith = c));
      const events = subscribe(client, MyOrderPlacedDocument);
      await waitForSubscribers(app.app, `ORDER_STATUS_CHANGED:${member!.id}`);
      // The session is revoked (MySQL and the deny-list) while the pub/sub message is lost.
      const em = app.app.orm.em.fork();
      const session = await em.findOneOrFail(Session, { user: member!.id });
      session.revokedAt = new Date();
      await em.flush();
      const redis = app.app.services.redis;
      await redis.set(`auth:session:${session.id}:revoked`, '1', 'EX', 960);
      await new Promise((r) => setTimeout(r, 600));
      expect(closedWith).toBeUndefined();
      expect(events.error).toBeUndefined();
      // The realtime subscriber's connection drops; ioredis reconnects and resubscribes.
      const killed = await killOwnConnections(redis, app.config.redis.port, 'realtime');
      expect(killed).toBeGreaterThanOrEqual(1);
      await waitFor(() => closedWith !== undefined, { what: 'socket closed', timeoutMs: 5000 });
      expect(closedWith).toBe(CLOSE_CODES.SESSION_ENDED);
    } finally {
      await app.stop();
    }
  });
});

describe('execution deadline', () => {
  it('an operation over a websocket past GRAPHQL_EXECUTION_TIMEOUT_MS ends with TIMEOUT', async () => {
    const app = await startTestApp(`${__filename}-deadline`, { GRAPHQL_EXECUTION_TIMEOUT_MS: '1' });
    const [member] = await createMembers(app.app, 1);
    // A member's socket: anonymous ones may only watch public stock.
    const client = wsClient(app.wsUrl, member!.token);
    try {
      // Sign-up hashes a password and writes two rows: far longer than 1 ms.
      const result = await new Promise<{ errors?: readonly { extensions?: { code?: string } }[] }>(
        (resolve, reject) => {
          client.subscribe(
            {
              query: print(SignUpDocument),
              variables: {
                input: {
                  email: `ws.${Date.now()}@example.com`,
                  password: 'long enough pw',
                  name: 'W',
                },
              },
            },
            { next: resolve, error: reject, complete: () => undefined },
          );
        },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    } finally {
      await client.dispose();
      await app.stop();
    }
  });
});
