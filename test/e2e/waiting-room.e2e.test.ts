import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { WaitingRoomMode } from '../../src/entities/waiting-room.entity';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMember } from '../helpers/members';
import {
  createMembers,
  createProduct,
  liveStock,
  pool,
  type Member,
} from '../helpers/sale-fixtures';
import { joinRoom } from '../helpers/room';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// Rooms tick every 200 ms here (1 s by default) so the test runs quickly.
let t: TestApp;
let admin: Member;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    ROOM_TICK_MS: '200',
    ROOM_POW_BASE_COST: '2000',
    SALE_MAX_OPEN_HOLDS: '3',
    SALE_MEMBER_PURCHASES_PER_MINUTE: '100',
  });
  admin = await createMember(t.app, Role.ADMIN);
});
afterAll(async () => {
  await t?.stop();
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
  dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));

const FRAME = `productId version state servedThrough lastTicket queueLength remaining inCarts
  cutoffTicket admitPerMinute admitPerMinuteLow admitPerMinuteHigh pausedReason urgent serverTime`;
const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename
  ... on Reservation { id status holdExpiresAt createdAt }
  ... on NotAdmittedError { code ticket servedThrough position }
  ... on AdmissionExpiredError { code expiredAt }
  ... on SoldOutError { code } ... on PurchaseLimitExceededError { code remainingAllowance }
  ... on TooManyHoldsError { code openHolds maxOpenHolds nextReleaseAt } } }`;
const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product {
  id purchaseLimit waitingRoom { mode admissionSeconds holdSeconds maxAdmitPerSecond } } } }`;
const SUB = `subscription($productId: ID!) { waitingRoom(productId: $productId) { ${FRAME} } }`;

let keySeq = 0;
const buy = (productId: number, m: Member, quantity = 1) =>
  gql(
    PURCHASE,
    { input: { productId: String(productId), quantity, idempotencyKey: `k${++keySeq}` } },
    m.token,
  ).then((d) => d.purchase);
const join = (productId: number, m: Member) => joinRoom(t.url, productId, m);
const frameOf = (productId: number) =>
  gql(`query($p: ID!) { waitingRoom(productId: $p) { ${FRAME} } }`, { p: String(productId) }).then(
    (d) => d.waitingRoom,
  );

/** A product on sale now with a room (set through the admin API). */
async function roomProduct(stock: number, room: Any = {}): Promise<number> {
  const productId = await createProduct(t.app, { stock });
  const res = await gql(
    UPDATE,
    { input: { productId: String(productId), waitingRoom: room } },
    admin.token,
  );
  expect(res.updateProduct.product.waitingRoom).toMatchObject({ mode: 'FIFO' });
  // A room product without its own limit gets the default per-member limit.
  return productId;
}

describe('waiting room', () => {
  it('bots that skip the room reserve nothing; admitted members buy in ticket order', async () => {
    const productId = await roomProduct(6);
    const bots = await createMembers(t.app, 10);
    const people = await createMembers(t.app, 12);
    const tickets = await Promise.all(people.map((m) => join(productId, m)));
    expect(new Set(tickets.map((x) => x.ticket)).size).toBe(12);
    // Bots fire throughout; none holds a ticket.
    const botResults = (await pool([...bots, ...bots, ...bots], 10, (b) => buy(productId, b))).map(
      (r) => r.__typename,
    );
    expect(new Set(botResults)).toEqual(new Set(['NotAdmittedError']));
    // Each person retries until admitted (or the room closes).
    const outcome = await pool(people, 12, async (m) => {
      for (let i = 0; i < 100; i++) {
        const r = await buy(productId, m);
        if (r.__typename !== 'NotAdmittedError') return r.__typename;
        const f = await frameOf(productId);
        if (f.state === 'ALL_IN_CARTS' || f.state === 'SOLD_OUT') return f.state;
        await new Promise((res) => setTimeout(res, 100));
      }
      return 'gave up';
    });
    expect(outcome.filter((o) => o === 'Reservation')).toHaveLength(6);
    expect(await liveStock(t.app, productId)).toBe(0);
    // Every reservation's admission evidence: the ticket was served when it bought.
    const frame = await frameOf(productId);
    expect(frame).toMatchObject({ state: 'ALL_IN_CARTS', remaining: 0, inCarts: 6 });
    expect(frame.cutoffTicket).toBeGreaterThanOrEqual(frame.servedThrough);
    // The queue is closed now.
    const late = (await createMembers(t.app, 1))[0]!;
    expect(await join(productId, late)).toMatchObject({
      __typename: 'WaitingRoomClosed',
      reason: 'ALL_IN_CARTS',
    });
  });

  it('a ticket is the same from two devices and concurrent retries', async () => {
    const productId = await roomProduct(3);
    const [m] = await createMembers(t.app, 1);
    const other = { ...m!, token: t.app.services.tokens.signAccess(m!.id, Role.USER, 'x').token };
    const many = await Promise.all([
      join(productId, m!),
      join(productId, m!),
      join(productId, other),
    ]);
    expect(new Set(many.map((x) => x.ticket)).size).toBe(1);
    const mine = await gql(
      `query($p: ID!) { myWaitingRoomTicket(productId: $p) { ticket } }`,
      { p: String(productId) },
      m!.token,
    );
    expect(mine.myWaitingRoomTicket.ticket).toBe(many[0].ticket);
    expect(
      await gql(
        `mutation($p: ID!) { leaveWaitingRoom(productId: $p) }`,
        { p: String(productId) },
        m!.token,
      ),
    ).toEqual({ leaveWaitingRoom: true });
    expect((await buy(productId, m!)).__typename).toBe('NotAdmittedError');
  });

  it('the urgent ALL_IN_CARTS frame reaches watchers; a released hold re-opens admission', async () => {
    const productId = await roomProduct(2, { holdSeconds: 30 });
    const watchers = Array.from({ length: 5 }, () => t.ws());
    const live = watchers.map((c) => subscribeRaw(c, productId));
    await waitFor(() => live.every((s) => s.frames.length > 0), {
      what: 'the current frame on subscribe',
    });
    const buyers = await createMembers(t.app, 4);
    for (const b of buyers) await join(productId, b);
    const reserved: Any[] = [];
    await waitFor(
      async () => {
        for (const b of buyers) {
          if (reserved.some((r) => r.buyer === b.id)) continue;
          const r = await buy(productId, b);
          if (r.__typename === 'Reservation') reserved.push({ ...r, buyer: b.id });
        }
        return reserved.length >= 2;
      },
      { what: 'two admitted reservations' },
    );
    const urgent = await waitFor(
      () => live.every((s) => s.frames.some((f) => f.state === 'ALL_IN_CARTS' && f.urgent)) && live,
      { what: 'the urgent ALL_IN_CARTS frame on every watcher', timeoutMs: 3000 },
    );
    expect(urgent[0]!.frames.find((f) => f.state === 'ALL_IN_CARTS')!.cutoffTicket).not.toBeNull();
    // One buyer gives the hold back: the room opens again and admits the next ticket.
    const view = await t.app.services.reservations.find(reserved[0].id);
    await t.app.services.reservations.release(view!, 'CANCELLED');
    await waitFor(
      () =>
        live.every((s) => s.frames.some((f, i) => i > 0 && f.state === 'OPEN' && f.version > 1)),
      {
        what: 'OPEN again',
      },
    );
    const rest = buyers.filter((b) => !reserved.some((r) => r.buyer === b.id));
    const next = await waitFor(
      async () => {
        for (const b of rest) if ((await buy(productId, b)).__typename === 'Reservation') return b;
        return undefined;
      },
      { what: 'a next ticket admitted and buying' },
    );
    expect(next).toBeDefined();
    // Frames carry increasing versions, one per tick.
    const versions = live[0]!.frames.map((f) => f.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    for (const c of watchers) await c.dispose();
  });

  it('a paused room admits no one and says why; resume goes on', async () => {
    const productId = await roomProduct(5);
    const [m] = await createMembers(t.app, 1);
    const paused = await gql(
      `mutation($i: PauseWaitingRoomInput!) { pauseWaitingRoom(input: $i) { state pausedReason } }`,
      { i: { productId: String(productId), reason: 'Payment provider checks' } },
      admin.token,
    );
    expect(paused.pauseWaitingRoom).toEqual({
      state: 'PAUSED',
      pausedReason: 'Payment provider checks',
    });
    expect(await join(productId, m!)).toMatchObject({ reason: 'PAUSED' });
    await gql(
      `mutation($p: ID!) { resumeWaitingRoom(productId: $p) { state } }`,
      { p: String(productId) },
      admin.token,
    );
    const ticket = await join(productId, m!);
    await t.app.services.rooms.setPaused(t.app.orm.em.fork(), productId, 'Stock count');
    await new Promise((r) => setTimeout(r, 600));
    // Paused: even an admitted ticket buys nothing.
    expect(await buy(productId, m!)).toMatchObject({
      __typename: 'NotAdmittedError',
      ticket: ticket.ticket,
    });
    const status = await gql(
      `query($p: ID!) { waitingRoomStatus(productId: $p) { entries left frame { state pausedReason } } }`,
      { p: String(productId) },
      admin.token,
    );
    expect(status.waitingRoomStatus).toEqual({
      entries: 1,
      left: 0,
      frame: { state: 'PAUSED', pausedReason: 'Stock count' },
    });
    await t.app.services.rooms.setPaused(t.app.orm.em.fork(), productId, null);
    await waitFor(async () => (await buy(productId, m!)).__typename === 'Reservation', {
      what: 'a purchase after resume',
    });
  });

  it('an expired admission is refused, and hoarding stops at the per-member limit', async () => {
    const productId = await createProduct(t.app, { stock: 10 });
    await t.app.services.rooms.configure(t.app.orm.em.fork(), productId, {
      mode: WaitingRoomMode.FIFO,
      admissionSeconds: 1,
    });
    const [a, b] = await createMembers(t.app, 2);
    await join(productId, a!);
    await join(productId, b!);
    const first = await waitFor(
      async () => {
        const r = await buy(productId, a!, 5);
        return r.__typename !== 'NotAdmittedError' && r;
      },
      { what: 'admission' },
    );
    // The room's default per-member limit (2) applies to a product without its own.
    expect(first).toMatchObject({
      __typename: 'PurchaseLimitExceededError',
      remainingAllowance: 2,
    });
    const held = await buy(productId, a!, 2);
    expect(held.__typename).toBe('Reservation');
    // The room's hold (ROOM_HOLD_SECONDS, 180 s), not the sale's 600 s.
    expect(Date.parse(held.holdExpiresAt) - Date.parse(held.createdAt)).toBe(180_000);
    await waitFor(
      async () =>
        (await t.app.services.rooms.ticketOf(t.app.orm.em.fork(), b!.id, productId))?.admitted,
      { what: 'b admitted' },
    );
    await new Promise((r) => setTimeout(r, 1300));
    expect(await buy(productId, b!)).toMatchObject({
      __typename: 'AdmissionExpiredError',
      code: 'ADMISSION_EXPIRED',
    });
  });
});

/** A waitingRoom subscription collecting frames. */
function subscribeRaw(client: ReturnType<TestApp['ws']>, productId: number) {
  const frames: Any[] = [];
  client.subscribe<Any>(
    { query: SUB, variables: { productId: String(productId) } },
    {
      next: (v) => v.data && frames.push(v.data.waitingRoom),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { frames };
}
