import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WaitingRoom, WaitingRoomMode } from '../../src/entities/waiting-room.entity';
import { orderOf, verifyDraw } from '../../src/services/sale/fair-order';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMembers, createProduct, type Member } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(__filename, { ROOM_TICK_MS: '200' });
});
afterAll(async () => {
  await t?.stop();
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
  dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));
const JOIN = `mutation($input: JoinWaitingRoomInput!) { joinWaitingRoom(input: $input) { __typename
  ... on WaitingRoomTicket { ticket } ... on PreQueueEntry { entryId entrants seedCommit }
  ... on WaitingRoomClosed { reason } } }`;
const join = (productId: number, m: Member) =>
  gql(JOIN, { input: { productId: String(productId) } }, m.token).then((d) => d.joinWaitingRoom);
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
