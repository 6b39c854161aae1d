import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { Client } from 'graphql-ws';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import { Session } from '../../src/entities/session.entity';
import { Role, User } from '../../src/entities/user.entity';
import { CLOSE_CODES } from '../../src/realtime/ws-server';
import { TokenService } from '../../src/services/members/token.service';
import { dataOf, subscribe, subscribeErrorCode, wsClient } from '../helpers/gql-client';
import { createMembers, createProduct, pool, waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import {
  ChangePasswordDocument,
  LogoutAllDocument,
  LogoutDocument,
  MyOrderPlacedDocument,
  PurchaseDocument,
  StockChangedDocument,
} from '../graphql/generated';

const LIMITS = {
  WS_MAX_PAYLOAD_BYTES: '4096',
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '60',
  WS_MAX_CONNECTIONS_PER_MEMBER: '2',
  WS_KEEPALIVE_MS: '300',
};

let t: TestApp;
/** A second API instance on the same state: revocations must reach its sockets too. */
let other: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    ...LIMITS,
    PAYMENT_LATENCY_MS: '0',
    STOCK_FRAME_MS: '50',
  });
  other = await startTestApp(
    __filename,
    { ...LIMITS, APP_ROLE: 'api', STOCK_FRAME_MS: '50' },
    { fresh: false },
  );
});
afterAll(async () => {
  await other?.stop();
  await t?.stop();
});

/** Resolves with the close code of a graphql-ws client's socket. */
function closeCode(client: Client): Promise<number> {
  return new Promise((resolve) => {
    client.on('closed', (event) => resolve((event as { code: number }).code));
  });
}

/** Buys every unit of a product, one per member, over HTTP. */
async function sellOut(app: TestApp, productId: number, buyers: { token: string }[]) {
  await pool(buyers, 16, (m, i) =>
    app.gql(
      PurchaseDocument,
      { input: { productId: String(productId), idempotencyKey: `sell-${i}` } },
      m.token,
    ),
  );
}

describe('fan-out', () => {
  it('executes a public frame once however many sockets watch it', async () => {
    const watchers = 40;
    const productId = await createProduct(t.app, { stock: 30 });
    const buyers = await createMembers(t.app, 30);
    const clients = Array.from({ length: watchers }, () => t.ws());
    const subs = clients.map((c) =>
      subscribe(c, StockChangedDocument, { productId: String(productId) }),
    );
    await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'every first frame' });
    const hub = t.app.realtime!.hub;
    const before = hub.executions;
    await sellOut(t, productId, buyers);
    await waitFor(() => subs.every((s) => s.events.at(-1)?.data?.stockChanged.soldOut), {
      what: 'SOLD_OUT on every socket',
    });
    const executions = hub.executions - before;
    // Every socket saw the same frames; each frame ran once, not once per socket.
    const frames = subs[0].events.slice(1).map((e) => e.data!.stockChanged.version);
    for (const s of subs)
      expect(s.events.slice(1).map((e) => e.data!.stockChanged.version)).toEqual(frames);
    expect(frames.length).toBeGreaterThan(0);
    expect(executions).toBe(frames.length);
    expect(executions).toBeLessThan(watchers);
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('two realtime processes both deliver the final SOLD_OUT', async () => {
    const realtime = await Promise.all(
      [0, 1].map(() =>
        startTestApp(__filename, { ...LIMITS, APP_ROLE: 'realtime' }, { fresh: false }),
      ),
    );
    try {
      const productId = await createProduct(t.app, { stock: 20 });
      const buyers = await createMembers(t.app, 20);
      const clients = realtime.flatMap((r) => [r.ws(), r.ws()]);
      const subs = clients.map((c) =>
        subscribe(c, StockChangedDocument, { productId: String(productId) }),
      );
      await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'every first frame' });
      // The purchase API is another process: frames reach the realtime ones over Redis.
      await sellOut(other, productId, buyers);
      const finals = [];
      for (const s of subs) {
        const last = await waitFor(
          () => s.events.at(-1)?.data?.stockChanged.soldOut && s.events.at(-1)!.data!.stockChanged,
          { what: 'SOLD_OUT' },
        );
        // Every unit is held (unpaid): ALL_IN_CARTS, not yet SOLD_OUT.
        expect(last).toMatchObject({ remaining: 0, saleState: 'ALL_IN_CARTS' });
        finals.push(last);
      }
      // One version, one value, whichever process sent it.
      expect(new Set(finals.map((f) => f.version)).size).toBe(1);
      // A realtime process serves websockets only.
      const http = await fetch(realtime[0].url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ serverTime }' }),
      });
      expect(http.status).toBe(404);
      await Promise.all(clients.map((c) => c.dispose()));
      await Promise.all(realtime.map((r) => r.stop()));
      // Another process, later: the current value keeps its version.
      const later = t.ws();
      const again = subscribe(later, StockChangedDocument, { productId: String(productId) });
      const current = await waitFor(() => again.events[0]?.data?.stockChanged, {
        what: 'the current value',
      });
      expect(current).toEqual(finals[0]);
      await later.dispose();
    } finally {
      await Promise.all(realtime.map((r) => r.stop()));
    }
  });
});

describe('send budget', () => {
  it('spaces frames to fit REALTIME_SEND_BUDGET, and sends SOLD_OUT at once', async () => {
    // 20 watchers and 20 writes/s: one frame per second per channel at most.
    const app = await startTestApp(
      __filename,
      { ...LIMITS, APP_ROLE: 'realtime', REALTIME_SEND_BUDGET: '20' },
      { fresh: false },
    );
    try {
      const productId = await createProduct(t.app, { stock: 24 });
      const buyers = await createMembers(t.app, 24);
      const clients = Array.from({ length: 20 }, () => app.ws());
      const subs = clients.map((c) =>
        subscribe(c, StockChangedDocument, { productId: String(productId) }),
      );
      await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'every first frame' });
      // Spread over about 1.2 s: without the budget that is a dozen frames at STOCK_FRAME_MS=50.
      for (let i = 0; i < buyers.length; i += 2) {
        await sellOut(t, productId, buyers.slice(i, i + 2));
        await new Promise((r) => setTimeout(r, 100));
      }
      const lastPurchase = Date.now();
      await waitFor(() => subs.every((s) => s.events.at(-1)?.data?.stockChanged.soldOut), {
        what: 'SOLD_OUT on every socket',
      });
      expect(Date.now() - lastPurchase).toBeLessThan(500);
      for (const s of subs) expect(s.events.length).toBeLessThanOrEqual(5);
      const metrics = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toMatch(/realtime_sockets_open\{role="realtime"\} 20/);
      expect(metrics).toMatch(/realtime_subscriptions_open\{role="realtime",kind="public"\} 20/);
      expect(metrics).toMatch(/realtime_frames_sent_total\{role="realtime"\} [1-9]/);
      expect(metrics).toMatch(/realtime_bytes_sent_total\{role="realtime"\} [1-9]/);
      expect(metrics).toMatch(/realtime_fanout_delay_seconds_count\{role="realtime"\} [1-9]/);
      await Promise.all(clients.map((c) => c.dispose()));
    } finally {
      await app.stop();
    }
  });
});

describe('limits', () => {
  it('a message over WS_MAX_PAYLOAD_BYTES closes the socket with 1009, unread', async () => {
    const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    // A frame header announcing 16 MiB, then only 1 KiB of it: a server that read messages whole
    // before checking them would wait for the rest and never close.
    const header = Buffer.alloc(14);
    header[0] = 0x82; // FIN, binary
    header[1] = 0x80 | 127; // masked, 64-bit length follows
    header.writeBigUInt64BE(BigInt(16 * 1024 * 1024), 2);
    // bytes 10..13: a zero mask key
    const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
    raw.write(Buffer.concat([header, Buffer.alloc(1024, 'a')]));
    expect(await closed).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
  });

  it('refuses more subscriptions than WS_MAX_SUBSCRIPTIONS_PER_CONNECTION on one socket', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const client = t.ws();
    const subs = [1, 2, 3].map(() =>
      subscribe(client, StockChangedDocument, { productId: String(productId) }),
    );
    await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'three subscriptions' });
    const fourth = subscribe(client, StockChangedDocument, { productId: String(productId) });
    expect(await waitFor(() => subscribeErrorCode(fourth), { what: 'the refusal' })).toBe(
      'RATE_LIMITED',
    );
    // Closing one makes room again.
    subs[0].dispose();
    const again = subscribe(client, StockChangedDocument, { productId: String(productId) });
    await waitFor(() => again.events[0]?.data, { what: 'a subscription after one ended' });
    await client.dispose();
  });

  it('closes a member’s socket past WS_MAX_CONNECTIONS_PER_MEMBER with 4029', async () => {
    const [member] = await createMembers(t.app, 1);
    const clients = [t.ws(member.token), t.ws(member.token)];
    const connected = clients.map((c) => new Promise((r) => c.on('connected', r)));
    const subs = clients.map((c) => subscribe(c, MyOrderPlacedDocument));
    await Promise.all(connected);
    const third = t.ws(member.token);
    const code = closeCode(third);
    subscribe(third, MyOrderPlacedDocument);
    expect(await code).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
    expect(subs.every((s) => !s.closed && s.error === undefined)).toBe(true);
    await Promise.all([...clients, third].map((c) => c.dispose()));
  });

  it('closes sockets past WS_MAX_CONNECTIONS_PER_ADDRESS with 4029', async () => {
    const app = await startTestApp(
      __filename,
      { ...LIMITS, APP_ROLE: 'realtime', WS_MAX_CONNECTIONS_PER_ADDRESS: '3' },
      { fresh: false },
    );
    try {
      const productId = await createProduct(t.app, { stock: 5 });
      const clients = [app.ws(), app.ws(), app.ws()];
      const subs = clients.map((c) =>
        subscribe(c, StockChangedDocument, { productId: String(productId) }),
      );
      await waitFor(() => subs.every((s) => s.events.length > 0), { what: 'three sockets' });
      const fourth = app.ws();
      const code = closeCode(fourth);
      subscribe(fourth, StockChangedDocument, { productId: String(productId) });
      expect(await code).toBe(CLOSE_CODES.TOO_MANY_CONNECTIONS);
      await Promise.all([...clients, fourth].map((c) => c.dispose()));
    } finally {
      await app.stop();
    }
  });

  it('anonymous sockets may watch public stock only', async () => {
    const client = t.ws();
    for (const doc of [parse('{ serverTime }'), MyOrderPlacedDocument]) {
      const sub = subscribe(client, doc);
      expect(await waitFor(() => subscribeErrorCode(sub), { what: 'the refusal' })).toBe(
        'UNAUTHENTICATED',
      );
    }
    await client.dispose();
  });

  it('keep-alive pings drop a socket that stops answering', async () => {
    const deaf = new WebSocket(t.wsUrl, 'graphql-transport-ws', { autoPong: false });
    const alive = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    await Promise.all([deaf, alive].map((s) => new Promise((r) => s.once('open', r))));
    for (const s of [deaf, alive]) s.send(JSON.stringify({ type: 'connection_init' }));
    const started = Date.now();
    const code = await new Promise<number>((resolve) => deaf.once('close', resolve));
    expect(code).toBe(1006); // terminated, no close handshake
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 700));
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });
});

describe('revocation', () => {
  /** A member's socket on `app` with an open orderStatusChanged subscription. */
  async function openSocket(app: TestApp, token: string, userId: number) {
    const client = app.ws(token);
    const code = closeCode(client);
    const sub = subscribe(client, MyOrderPlacedDocument);
    await waitForSubscribers(app.app, `ORDER_STATUS_CHANGED:${userId}`);
    return { client, code, sub };
  }

  it('logoutAll closes the member’s sockets on another instance within 1 s (4401)', async () => {
    const [member] = await createMembers(t.app, 1);
    const { client, code } = await openSocket(other, member.token, member.id);
    const started = Date.now();
    dataOf(await t.gql(LogoutAllDocument, {}, member.token));
    expect(await code).toBe(CLOSE_CODES.SESSION_ENDED);
    expect(Date.now() - started).toBeLessThan(1000);
    await client.dispose();
  });

  it('logout closes the sockets of that session only', async () => {
    const [member] = await createMembers(t.app, 1);
    const { client, code } = await openSocket(t, member.token, member.id);
    const outsider = await createMembers(t.app, 1);
    const bystander = await openSocket(other, outsider[0].token, outsider[0].id);
    const started = Date.now();
    dataOf(await t.gql(LogoutDocument, {}, member.token));
    expect(await code).toBe(CLOSE_CODES.SESSION_ENDED);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(bystander.sub.closed || bystander.sub.error !== undefined).toBe(false);
    await Promise.all([client.dispose(), bystander.client.dispose()]);
  });

  it('changePassword closes the sockets of the member’s other sessions within 1 s (4401)', async () => {
    const [member] = await createMembers(t.app, 1);
    const em = t.app.orm.em.fork();
    const passwordHash = await t.app.services.hasher.hash('old password 123');
    await em.nativeUpdate(User, { id: member.id }, { passwordHash });
    const second = em.create(Session, {
      id: randomUUID(),
      user: em.getReference(User, member.id),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await em.flush();
    const otherToken = t.app.services.tokens.signAccess(member.id, Role.USER, second.id).token;
    const current = t.ws(member.token);
    const kept = subscribe(current, MyOrderPlacedDocument);
    const { client, code } = await openSocket(other, otherToken, member.id);
    const started = Date.now();
    dataOf(
      await t.gql(
        ChangePasswordDocument,
        { input: { currentPassword: 'old password 123', newPassword: 'a brand new password' } },
        member.token,
      ),
    );
    expect(await code).toBe(CLOSE_CODES.SESSION_ENDED);
    expect(Date.now() - started).toBeLessThan(1000);
    // The session that changed the password goes on.
    expect(kept.closed || kept.error !== undefined).toBe(false);
    await Promise.all([client.dispose(), current.dispose()]);
  });

  it('a socket closes when its access token expires (4401)', async () => {
    const [member] = await createMembers(t.app, 1);
    const sid = (jwt.decode(member.token) as { sid: string }).sid;
    const shortLived = new TokenService(
      { ...t.config.auth, accessTtlSeconds: 1 },
      t.app.services.redis,
      t.app.services.pubSub,
    ).signAccess(member.id, Role.USER, sid).token;
    const client = wsClient(t.wsUrl, shortLived);
    const code = closeCode(client);
    subscribe(client, MyOrderPlacedDocument);
    const started = Date.now();
    expect(await code).toBe(CLOSE_CODES.SESSION_ENDED);
    expect(Date.now() - started).toBeLessThan(2500);
    await client.dispose();
  });
});
