import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WaitingRoom, WaitingRoomMode } from '../../src/entities/waiting-room.entity';
import { orderOf, verifyDraw } from '../../src/services/sale/fair-order';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMembers, createProduct, type Member } from '../helpers/sale-fixtures';
import { joinOnce, joinRoom, solve } from '../helpers/room';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(__filename, {
    ROOM_TICK_MS: '200',
    ROOM_POW_BASE_COST: '2000',
    ROOM_POW_CHALLENGES_PER_MINUTE: '5',
  });
});
afterAll(async () => {
  await t?.stop();
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
  dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));
const join = (productId: number, m: Member) => joinRoom(t.url, productId, m);
const DRAW = `query($p: ID!) { waitingRoomDraw(productId: $p) {
  scheme seedCommit entriesRoot entries seed order late lateHash } }`;
const ticketOf = (productId: number, m: Member) =>
  t.app.services.rooms.ticketOf(t.app.orm.em.fork(), m.id, productId);
const stateOf = async (productId: number) =>
  (await t.app.services.rooms.snapshot(t.app.orm.em.fork(), productId)).state;

/** A product whose room has a pre-queue open now and a sale starting in `startsInMs`. */
async function preQueueProduct(
  stock: number,
  startsInMs: number,
  endsInMs: number | null,
  mode = WaitingRoomMode.FIFO,
  purchaseLimit: number | null = null,
): Promise<number> {
  const now = Date.now();
  const productId = await createProduct(t.app, {
    stock,
    purchaseLimit,
    saleStartsAt: new Date(now + startsInMs),
    saleEndsAt: endsInMs === null ? null : new Date(now + endsInMs),
  });
  await t.app.services.rooms.configure(t.app.orm.em.fork(), productId, {
    mode,
    preQueueOpensAt: new Date(now - 1000),
  });
  return productId;
}

describe('the draw', () => {
  it('orders the pre-queue by the committed seed; late joiners follow; anyone can verify it', async () => {
    const productId = await preQueueProduct(100, 3000, 7000);
    const committed = (await gql(DRAW, { p: String(productId) })).waitingRoomDraw;
    expect(committed).toMatchObject({ seed: null, entriesRoot: null, order: null });
    const members = await createMembers(t.app, 30);
    const entries = await Promise.all(members.map((m) => join(productId, m)));
    expect(entries.every((e) => e.__typename === 'PreQueueEntry')).toBe(true);
    expect(entries[0].seedCommit).toBe(committed.seedCommit);
    // The same entry from a retry or another device.
    expect((await join(productId, members[0]!)).entryId).toBe(entries[0].entryId);
    await waitFor(async () => (await stateOf(productId)) === 'OPEN', {
      what: 'the seal',
      timeoutMs: 8000,
    });
    const [late] = await createMembers(t.app, 1);
    expect(await join(productId, late!)).toMatchObject({ ticket: 31 });
    // Tickets 1..30 follow the keyed-hash order of the committed seed.
    const room = await t.app.orm.em.fork().findOneOrFail(WaitingRoom, { productId });
    const order = orderOf(
      room.seed,
      room.entriesRoot!,
      entries.map((e) => e.entryId),
    );
    for (const [i, m] of members.entries()) {
      expect((await ticketOf(productId, m))?.ticket).toBe(order.indexOf(entries[i].entryId) + 1);
    }
    // Admission follows the tickets: nobody past servedThrough, everyone up to it.
    await waitFor(async () => (await ticketOf(productId, late!))?.admitted, { what: 'admission' });
    await waitFor(async () => (await stateOf(productId)) === 'ENDED', {
      what: 'the end',
      timeoutMs: 8000,
    });
    const draw = (await gql(DRAW, { p: String(productId) })).waitingRoomDraw;
    expect(draw).toMatchObject({ seed: room.seed, entries: 30, order, late: [expect.any(String)] });
    const { stdout } = await promisify(execFile)('node', [
      'scripts/verify-draw.mjs',
      String(productId),
      t.url,
    ]);
    expect(stdout).toContain('the draw verifies');
    // A tampered list fails.
    const audit = { productId, ...draw, lateHash: draw.lateHash ?? '' };
    expect(verifyDraw(audit)).toBe(true);
    const swapped = [...order];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(verifyDraw({ ...audit, order: swapped })).toBe(false);
    expect(verifyDraw({ ...audit, order: [...order, 'ff'.repeat(16)] })).toBe(false);
    expect(verifyDraw({ ...audit, seed: '00'.repeat(32) })).toBe(false);
  });

  it('RAFFLE: entries only in the pre-queue, and no more admitted than can buy', async () => {
    const productId = await preQueueProduct(5, 2000, null, WaitingRoomMode.RAFFLE, 1);
    const members = await createMembers(t.app, 20);
    await Promise.all(members.map((m) => join(productId, m)));
    await waitFor(async () => (await stateOf(productId)) === 'OPEN', { what: 'the seal' });
    const [late] = await createMembers(t.app, 1);
    expect(await join(productId, late!)).toMatchObject({ reason: 'ENTRIES_CLOSED' });
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const frame = await t.app.services.rooms.snapshot(t.app.orm.em.fork(), productId);
      expect(frame.servedThrough).toBeLessThanOrEqual(5);
    }
    const admitted = [];
    for (const m of members) if ((await ticketOf(productId, m))?.admitted) admitted.push(m);
    expect(admitted).toHaveLength(5);
    expect(
      (await Promise.all(admitted.map((m) => ticketOf(productId, m)))).map((x) => x!.ticket).sort(),
    ).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('proof of work', () => {
  it('asks new members a proof bound to them and the product, single use, rate-limited', async () => {
    const productId = await createProduct(t.app, { stock: 10 });
    const other = await createProduct(t.app, { stock: 10 });
    for (const p of [productId, other])
      await t.app.services.rooms.configure(t.app.orm.em.fork(), p, { mode: WaitingRoomMode.FIFO });
    const [a, b] = await createMembers(t.app, 2);
    const asked = await joinOnce(t.url, productId, a!);
    expect(asked).toMatchObject({ __typename: 'ChallengeRequired', code: 'CHALLENGE_REQUIRED' });
    expect(asked.challenge.maxNumber).toBe(2000);
    const proof = solve(asked.challenge);
    // Bound to the member and the product.
    expect(await joinOnce(t.url, productId, b!, proof)).toMatchObject({ reason: 'otherMember' });
    expect(await joinOnce(t.url, other, a!, proof)).toMatchObject({ reason: 'otherProduct' });
    expect(await joinOnce(t.url, productId, a!, 'bm90IGEgcHJvb2Y=')).toMatchObject({
      code: 'CHALLENGE_FAILED',
      reason: 'invalid',
    });
    expect(await joinOnce(t.url, productId, a!, proof)).toMatchObject({ ticket: 1 });
    // Single use: the same proof cannot seat someone else's second attempt either.
    expect(await joinOnce(t.url, other, a!, proof)).toMatchObject({ reason: 'otherProduct' });
    const again = await joinOnce(t.url, other, b!);
    const used = solve(again.challenge);
    expect(await joinOnce(t.url, other, b!, used)).toMatchObject({ ticket: 1 });
    await t.app.services.rooms.leave(b!.id, other);
    expect(await joinOnce(t.url, other, b!, used)).toMatchObject({ reason: 'replayed' });
    // A member in line never solves again.
    expect(await joinOnce(t.url, productId, a!)).toMatchObject({ ticket: 1 });
    // The cost grows with the queue: doubling every ROOM_POW_DOUBLE_EVERY (2000) waiting.
    expect(t.app.services.rooms.pow.costFor(0)).toBe(2000);
    expect(t.app.services.rooms.pow.costFor(4000)).toBe(8000);
    // Minting is rate-limited (5 a minute here; b has had 1).
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const res = await gqlRequest<Any, Any>(
        t.url,
        'mutation($i: JoinWaitingRoomInput!) { joinWaitingRoom(input: $i) { __typename } }',
        { i: { productId: String(productId) } },
        b!.token,
      );
      codes.push(res.errors?.[0]?.extensions?.code ?? res.data?.joinWaitingRoom.__typename);
    }
    expect(codes).toEqual([
      'ChallengeRequired',
      'ChallengeRequired',
      'ChallengeRequired',
      'ChallengeRequired',
      'RATE_LIMITED',
    ]);
  });
});
