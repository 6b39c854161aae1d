/**
 * Flash-sale load test: `npm run bench:purchase`. Starts the built API and worker as child
 * processes against the local MySQL, Redis and Kafka, and drives the API over keep-alive HTTP.
 *
 * Run 1 (the original system's test): 10,000 members fire a purchase at once at a 10-unit
 * product; 20% of the winners abandon, the rest pay with 20% of charges declined.
 * Run 2: the ratio of purchase throughput to `{ __typename }` throughput on the same server
 * (alternating rounds of each; the median of the rounds' ratios); then three rounds of 10,000
 * units that everyone buys and pays, reporting the median round's pay rate, paid → order lag and
 * orders/s; then 10,000 more units are paid by 512 clients at once instead of 128, to show the
 * server's pay rate when clients are not the limit. Last, the floor of the 128-client round: the
 * same pays against servers that only wait the provider's latency (bench/floor.ts).
 *
 * The parts: settings and servers (purchase/context.ts), the load generator and CPU accounting
 * (purchase/blast.ts), the runs (purchase/sale-runs.ts, purchase/pay-runs.ts), pay's timings
 * (purchase/pay-timings.ts) and the results (purchase/report.ts).
 */
import 'reflect-metadata';
import { createBenchMembers, deleteBenchTopics } from './fixtures';
import { count, createProduct, freshState } from './lib/setup';
import { blast } from './purchase/blast';
import {
  agent,
  config,
  manyClients,
  MEMBERS,
  PURCHASE,
  running,
  startServer,
  stopServer,
} from './purchase/context';
import { paidToOrderLags, payFloors, payRound, payRounds } from './purchase/pay-runs';
import { purchaseResult, summary, writeResult } from './purchase/report';
import { flashSale, purchaseRatio, warmer, type Bench } from './purchase/sale-runs';
import { REDIS_CLUSTER_FLAG, runRedisClusterRatio } from './redis-cluster';

async function main() {
  const { db, redis, tokens } = await freshState(config);
  running.redis = redis;
  const bench: Bench = { db, members: await createBenchMembers(db, tokens, MEMBERS, 'b') };
  const warm = warmer(bench);

  // ---- Run 1: 10,000 members, 10 units, 20% abandon, 20% declined.
  let server = await startServer({ PAYMENT_DECLINE_RATE: '0.2' });
  await warm();
  const run1 = await flashSale(bench);
  await stopServer(server);

  // ---- Run 2: 10,000 units, everyone buys and pays; lag and throughput ratio.
  server = await startServer({ PAYMENT_DECLINE_RATE: '0' });
  await warm();
  const ratio = await purchaseRatio(bench);
  const { rounds, middle } = await payRounds(bench, agent);
  const lags = await paidToOrderLags(bench, middle.productId);
  const stock2 = await count(db, 'select stock from products where id = ?', [middle.productId]);
  // The same again with more clients than pays the server has in flight.
  const many = await payRound(bench, manyClients);
  await stopServer(server);

  // ---- The floors of the 128-client pay round (bench/floor.ts).
  const floors = await payFloors(bench, middle.held);

  // ---- Redis Cluster ÷ single Redis, with `-- --redis-cluster` (bench/redis-cluster.ts).
  const redisCluster = process.argv.includes(REDIS_CLUSTER_FLAG)
    ? await runRedisClusterRatio({
        db,
        members: bench.members,
        keyPrefix: config.redis.keyPrefix,
        purchaseQuery: PURCHASE,
        startServer: (extra) => startServer({ REDIS_CLUSTER_NODES: '', ...extra }),
        stopServer,
        blast,
        createProduct: (d, stock) => createProduct(d, stock),
      })
    : undefined;

  const runs = { run1, ratio, rounds, middle, lags, stock2, many, floors, redisCluster };
  const result = await purchaseResult(bench, runs);
  const file = writeResult(result);
  console.log(JSON.stringify(result, null, 2));
  console.log(summary(result, runs, file));
  if (redisCluster)
    console.log(
      `purchase on the Redis Cluster ÷ single Redis: ${redisCluster.clusterToSingleRatio}`,
    );
  await deleteBenchTopics(config.kafka);
  await db.end();
  redis.disconnect();
  agent.destroy();
  manyClients.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
