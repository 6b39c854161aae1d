/** The pay runs: rounds of 10,000 paid units, and the floors of the 128-client round. */
import type { ChildProcess } from 'node:child_process';
import type http from 'node:http';
import type { RowDataPacket } from 'mysql2/promise';
import { benchFile } from '../lib/paths';
import { count, createProduct, waitUntil } from '../lib/setup';
import { median } from '../lib/stats';
import { blast, cpuPerRequest, cpuSnapshot, cycleOf, type Blast } from './blast';
import {
  CONNECTIONS,
  MEMBERS,
  PAY,
  PAY_ROUNDS,
  PORT,
  running,
  startProcess,
  startServer,
  stopServer,
} from './context';
import { meanMs, payTimings } from './pay-timings';
import { purchaseBodies, type Bench } from './sale-runs';

/** Each member's pay of the reservation its purchase in `held` answered. */
export const payBodies = ({ members }: Bench, held: Blast) =>
  held.results.map((r, i) => {
    const reservationId = JSON.parse(r.json).data?.purchase?.id as string;
    return {
      body: JSON.stringify({ query: PAY, variables: { input: { reservationId } } }),
      token: members[i].token,
    };
  });

/**
 * `MEMBERS` units of a new product, held one per member and then all paid at once through
 * `via`'s clients; resolves once every paid order has its row.
 */
export async function payRound(bench: Bench, via: http.Agent) {
  const { db } = bench;
  const productId = await createProduct(db, MEMBERS);
  const held = await blast(purchaseBodies(bench, productId));
  const started = performance.now();
  const cpuBefore = await cpuSnapshot();
  const timingsBefore = await payTimings();
  const pay = await blast(payBodies(bench, held), via);
  const timings = meanMs(timingsBefore, await payTimings());
  // Every pay that answered Payment has its order; one that failed (an error) has none.
  const paid = pay.results.filter(
    (p) => JSON.parse(p.json).data?.pay?.__typename === 'Payment',
  ).length;
  const items = 'select count(*) from order_items where product_id = ?';
  await waitUntil(async () => (await count(db, items, [productId])) >= paid, 120_000);
  return {
    productId,
    held,
    pay,
    paid,
    timings,
    writeSeconds: (performance.now() - started) / 1000,
    // From the first pay to the last order row: the whole cost of a paid order, per process.
    paidOrderCpu: cpuPerRequest(cpuBefore, await cpuSnapshot(), Math.max(paid, 1)),
  };
}

export type PayRound = Awaited<ReturnType<typeof payRound>>;

/** `PAY_ROUNDS` rounds through `via`; every round, and the median round by pay rate. */
export async function payRounds(bench: Bench, via: http.Agent) {
  const rounds: PayRound[] = [];
  for (let round = 0; round < PAY_ROUNDS; round++) rounds.push(await payRound(bench, via));
  return { rounds, middle: median(rounds, (r) => r.pay.rps) };
}

/** Orders of a product written per second, first order row to last. */
export async function ordersPerSecond(bench: Bench, productId: number, orders: number) {
  const [span] = await bench.db.query<RowDataPacket[]>(
    `select timestampdiff(microsecond, min(o.placed_at), max(o.placed_at)) / 1e6 as s from orders o join order_items i on i.order_id = o.id where i.product_id = ?`,
    [productId],
  );
  return Math.round(orders / Math.max(Number(span[0].s), 0.001));
}

/** Paid → order lag of every order of a product, in milliseconds, ascending. */
export async function paidToOrderLags(bench: Bench, productId: number): Promise<number[]> {
  const [lags] = await bench.db.query<RowDataPacket[]>(
    `select timestampdiff(microsecond, p.paid_at, o.placed_at) / 1000 as lag from orders o join payments p on p.id = o.payment_id
     join order_items i on i.order_id = o.id where i.product_id = ? order by lag`,
    [productId],
  );
  return lags.map((l) => Number(l.lag));
}

/**
 * The floor of the 128-client pay round (bench/floor.ts): the same pays from the same clients,
 * against servers that do nothing but wait the provider's latency. A warm-up blast, then
 * `PAY_ROUNDS` measured ones; the median round's rate.
 */
export async function payFloors(bench: Bench, held: Blast) {
  const floorRate = async (children: ChildProcess[]) => {
    running.servers = children; // the first is the one whose CPU is reported as the API's
    await blast(payBodies(bench, held));
    const rounds: Blast[] = [];
    for (let round = 0; round < PAY_ROUNDS; round++)
      rounds.push(await blast(payBodies(bench, held)));
    await stopServer(children);
    const { rps, cpuMsPerRequest } = median(rounds, (r) => r.rps);
    return {
      rps,
      cycleMs: Number(cycleOf(CONNECTIONS, rps).toFixed(1)),
      rounds: rounds.map((r) => r.rps),
      serverCpuMsPerRequest: cpuMsPerRequest.api,
      machineCpuMsPerRequest: cpuMsPerRequest.machine,
    };
  };
  const floorScript = benchFile('floor.js');
  return {
    // The load generator, HTTP and the timer alone.
    httpServer: await floorRate([await startProcess([floorScript], { HTTP_PORT: String(PORT) })]),
    // Every layer of a request to the API, with a pay that only waits.
    api: await floorRate(await startServer({}, ['--require', floorScript])),
  };
}
