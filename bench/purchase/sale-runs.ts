/** The purchase runs: the original system's flash sale, and purchase ÷ `{ __typename }`. */
import type { Connection } from 'mysql2/promise';
import { count, createProduct, waitUntil } from '../lib/setup';
import { median } from '../lib/stats';
import { blast, type Blast } from './blast';
import { MEMBERS, PAY, post, PURCHASE, RATIO_ROUNDS, TYPENAME } from './context';

export interface Bench {
  db: Connection;
  members: { userId: number; token: string }[];
}

/** Every member's purchase of one unit of `productId`, under idempotency keys `key-productId`. */
export const purchaseBodies = ({ members }: Bench, productId: number, key = 'bench') =>
  members.map((m) => ({
    body: JSON.stringify({
      query: PURCHASE,
      variables: { input: { productId: String(productId), idempotencyKey: `${key}-${productId}` } },
    }),
    token: m.token,
  }));

const typenameBodies = ({ members }: Bench) =>
  members.map((m) => ({ body: JSON.stringify({ query: TYPENAME }), token: m.token }));

/**
 * Warm-up before anything is measured: a full blast of each request kind on the fresh server,
 * so the JIT has compiled both paths, and on a product new to it, so the server builds that
 * product's sale state from MySQL through the ORM as any server soon does. That turns on
 * Node's async context tracking (MikroORM's AsyncLocalStorage) for the rest of the process's
 * life, a cost every later promise pays: measuring before it would flatter both figures.
 */
export function warmer(bench: Bench): () => Promise<void> {
  let warmups = 0;
  return async () => {
    warmups++;
    const warmProduct = await createProduct(bench.db, 1_000_000);
    await blast(typenameBodies(bench));
    await blast(purchaseBodies(bench, warmProduct, `warm-${warmups}`));
  };
}

/** Run 1: every member fires a purchase at a 10-unit product; 20% abandon, the rest pay. */
export async function flashSale(bench: Bench) {
  const { db, members } = bench;
  const p1 = await createProduct(db, 10);
  const run1 = await blast(purchaseBodies(bench, p1));
  const winners = run1.results.flatMap((r, i) => {
    const p = JSON.parse(r.json).data?.purchase;
    return p?.__typename === 'Reservation' ? [{ id: p.id as string, token: members[i].token }] : [];
  });
  const payers = winners.filter((_, i) => i % 5 !== 0); // every fifth abandons
  const pays = await Promise.all(
    payers.map((w) =>
      post(JSON.stringify({ query: PAY, variables: { input: { reservationId: w.id } } }), w.token),
    ),
  );
  const paidCount = pays.filter(
    (p) => JSON.parse(p.json).data?.pay?.__typename === 'Payment',
  ).length;
  const items = 'select count(*) from order_items where product_id = ?';
  await waitUntil(async () => (await count(db, items, [p1])) >= paidCount, 30_000);
  const unitsSold = await count(
    db,
    'select coalesce(sum(quantity),0) from order_items where product_id = ?',
    [p1],
  );
  return {
    units: 10,
    totalSeconds: run1.seconds,
    tps: run1.rps,
    latencyMs: run1.latencyMs,
    cpuMsPerRequest: run1.cpuMsPerRequest,
    reserved: winners.length,
    abandoned: winners.length - payers.length,
    paid: paidCount,
    declined: payers.length - paidCount,
    unitsSold,
    ordersInMysql: await count(db, items, [p1]),
    mysqlStockAfter: await count(db, 'select stock from products where id = ?', [p1]),
    oversell: Math.max(0, unitsSold - 10),
  };
}

/**
 * Throughput ratio: `{ __typename }` and purchase blasts alternate on the same server, so a
 * burst of noise from other processes on the machine touches both blasts of a round; the
 * ratio is the median of the rounds' ratios.
 */
export async function purchaseRatio(bench: Bench) {
  const ratioProduct = await createProduct(bench.db, MEMBERS * RATIO_ROUNDS);
  const rounds: { typename: Blast; purchase: Blast }[] = [];
  for (let round = 0; round < RATIO_ROUNDS; round++) {
    const typename = await blast(typenameBodies(bench));
    rounds.push({
      typename,
      purchase: await blast(purchaseBodies(bench, ratioProduct, `ratio${round}`)),
    });
  }
  const roundRatios = rounds.map((r) => r.purchase.rps / r.typename.rps);
  const typename = median(
    rounds.map((r) => r.typename),
    (b) => b.rps,
  );
  const purchase = median(
    rounds.map((r) => r.purchase),
    (b) => b.rps,
  );
  return {
    ratio: median(roundRatios, (r) => r),
    summary: {
      rounds: rounds.map((r, i) => ({
        typenameRps: r.typename.rps,
        purchaseRps: r.purchase.rps,
        ratio: Number(roundRatios[i].toFixed(3)),
        apiCpuMsPerRequest: {
          typename: r.typename.cpuMsPerRequest.api,
          purchase: r.purchase.cpuMsPerRequest.api,
        },
      })),
      typename: {
        rps: typename.rps,
        latencyMs: typename.latencyMs,
        cpuMsPerRequest: typename.cpuMsPerRequest,
      },
      purchase: {
        rps: purchase.rps,
        latencyMs: purchase.latencyMs,
        cpuMsPerRequest: purchase.cpuMsPerRequest,
      },
    },
  };
}
