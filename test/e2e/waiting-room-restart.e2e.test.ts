import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WaitingRoomMode } from '../../src/entities/waiting-room.entity';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { joinRoom } from '../helpers/room';
import { createMembers, createProduct, liveStock, type Member } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

const ENV = { ROOM_TICK_MS: '200', ROOM_POW_BASE_COST: '2000', PAYMENT_LATENCY_MS: '0' };
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(__filename, ENV);
});
afterAll(async () => {
  await t?.stop();
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const buy = async (productId: number, m: Member, key: string): Promise<string> => {
  const res = await gqlRequest<Any, Any>(
    t.url,
    `mutation($i: PurchaseInput!) { purchase(input: $i) { __typename } }`,
    { i: { productId: String(productId), idempotencyKey: key } },
    m.token,
  );
  return dataOf(res).purchase.__typename;
};

describe('a room across restarts', () => {
  it('keeps every ticket and goes on admitting after the API and worker restart', async () => {
    const productId = await createProduct(t.app, { stock: 4 });
    await t.app.services.rooms.configure(t.app.orm.em.fork(), productId, {
      mode: WaitingRoomMode.FIFO,
      maxAdmitPerSecond: 5,
    });
    const members = await createMembers(t.app, 8);
    const tickets = [];
    for (const m of members) tickets.push((await joinRoom(t.url, productId, m)).ticket);
    expect(tickets).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await waitFor(async () => (await buy(productId, members[0]!, 'a')) === 'Reservation', {
      what: 'the first purchase',
    });
    // Stop everything (API, worker, realtime in one process) and start again on the same state.
    await t.stop();
    t = await startTestApp(__filename, ENV, { fresh: false, config: t.config });
    for (const [i, m] of members.entries())
      expect((await joinRoom(t.url, productId, m)).ticket).toBe(i + 1);
    // Admission goes on after the restart: every remaining unit goes to an admitted member.
    const bought = new Set<number>([members[0]!.id]);
    await waitFor(
      async () => {
        for (const m of members)
          if (!bought.has(m.id) && (await buy(productId, m, 'b')) === 'Reservation')
            bought.add(m.id);
        return bought.size === 4;
      },
      { what: 'all units bought after the restart' },
    );
    expect(await liveStock(t.app, productId)).toBe(0);
    // Only admitted tickets bought.
    const served = (await t.app.services.rooms.snapshot(t.app.orm.em.fork(), productId))
      .servedThrough;
    for (const m of members.filter((x) => bought.has(x.id)))
      expect(members.indexOf(m) + 1).toBeLessThanOrEqual(served);
  });
});
