/** The two measured phases of `npm run bench:room` after the drop (see room.bench.ts). */
import Redis from 'ioredis';
import type { AppRedis } from '../src/clients/redis';
import type { Config } from '../src/config';
import type { SaleStore } from '../src/services/sale/sale-store';
import { saleKeys } from '../src/services/sale/sale-keys';
import { BUY, JOIN, gql, pool, sleep, solve, type AddProduct } from './room-helpers';

/**
 * Purchase throughput with the admission check ÷ without, same run: 64 buyers in closed loops on
 * a product without a room, then on one with a room that has admitted all of them, twice each.
 */
export async function throughput(
  port: number,
  addProduct: AddProduct,
  buyers: { token: string }[],
  redis: AppRedis,
  seconds: number,
) {
  // A per-member limit no closed loop reaches: every purchase of the phase reserves, so the rate
  // is the server's and not the limit's.
  const plain = await addProduct(1_000_000, null, 100_000_000, null);
  const roomed = await addProduct(1_000_000, null, 100_000_000, {
    preQueue: false,
    hold: 3600,
    admission: 3600,
  });
  await pool(buyers, 16, async (m) => {
    const c = (await gql(port, JOIN, { i: { productId: String(roomed) } }, m.token)).data
      ?.joinWaitingRoom?.challenge;
    if (c) await gql(port, JOIN, { i: { productId: String(roomed), proof: solve(c) } }, m.token);
  });
  const k = saleKeys(roomed);
  for (let i = 0; i < 100; i++) {
    const [served, tail] = await redis.hmget(k.room, 'served', 'tail');
    if (Number(served) >= Number(tail) && Number(tail) > 0) break;
    await sleep(100);
  }
  let seq = 0;
  const run = async (productId: number) => {
    let done = 0;
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      buyers.map(async (m) => {
        while (Date.now() < end) {
          const r = await gql(
            port,
            BUY,
            { i: { productId: String(productId), idempotencyKey: `t${++seq}` } },
            m.token,
          );
          if (r.data?.purchase?.__typename === 'Reservation') done++;
        }
      }),
    );
    return done / seconds;
  };
  const rates = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < 2; round++) {
    rates.without.push(await run(plain));
    rates.with.push(await run(roomed));
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    purchasesPerSecondWithout: Math.round(sum(rates.without) / 2),
    purchasesPerSecondWith: Math.round(sum(rates.with) / 2),
    ratio: Number((sum(rates.with) / sum(rates.without)).toFixed(3)),
  };
}

/**
 * The tick's Redis time (INFO commandstats, EVALSHA µs per call) and round trip, and the memory
 * per queued member (MEMORY USAGE of the tickets hash), with N tickets written straight in.
 */
export async function tickCost(
  addProduct: AddProduct,
  store: SaleStore,
  redisConfig: Config['redis'],
  sizes: number[],
) {
  const raw = new Redis({ host: redisConfig.host, port: redisConfig.port, db: redisConfig.db });
  const evalsha = async () => {
    const line = (await raw.info('commandstats'))
      .split('\n')
      .find((l) => l.startsWith('cmdstat_evalsha:'));
    const m = /calls=(\d+),usec=(\d+)/.exec(line ?? '');
    return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) };
  };
  const out = [];
  for (const n of sizes) {
    const productId = await addProduct(1000, null, 1, null);
    await store.rooms.configure(productId, {
      mode: 'FIFO',
      preQueueOpensAt: null,
      startsAt: null,
      endsAt: null,
      admissionSeconds: 90,
      graceSeconds: 20,
      holdSeconds: 120,
      maxAdmitPerTick: 200,
      payRate: 0.8,
      fMax: 2,
      pausedReason: null,
      purchaseLimit: 1,
      seedCommit: '',
    });
    await store.overwriteRemaining(productId, 1000);
    const k = saleKeys(productId);
    const tix = `${redisConfig.keyPrefix}${k.roomTickets}`;
    for (let i = 0; i < n; i += 1000) {
      const fields: (string | number)[] = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) fields.push(1_000_000 + j, j + 1);
      await raw.hset(tix, ...fields);
    }
    await raw.hset(`${redisConfig.keyPrefix}${k.room}`, 'tail', n);
    const before = await evalsha();
    const started = performance.now();
    const calls = 200;
    for (let i = 0; i < calls; i++) {
      await store.rooms.tick(productId, 'tick', 21);
      await sleep(2);
    }
    const roundTripUs = ((performance.now() - started) / calls - 2) * 1000;
    const after = await evalsha();
    const bytes = Number(await raw.call('MEMORY', 'USAGE', tix));
    out.push({
      queued: n,
      redisUsPerTick: Number(
        ((after.usec - before.usec) / Math.max(1, after.calls - before.calls)).toFixed(1),
      ),
      roundTripUs: Math.round(roundTripUs),
      bytesPerQueuedMember: Number((bytes / n).toFixed(1)),
    });
    await store.rooms.remove(productId);
  }
  raw.disconnect();
  return out;
}
