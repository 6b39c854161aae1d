/**
 * `npm run bench:purchase -- --redis-cluster`: purchase throughput on the Redis Cluster ÷ on the
 * single Redis, measured in the same run by the same load generator. The API and worker are
 * started twice per round, once on each Redis, and each blast spreads its purchases over
 * `BENCH_CLUSTER_PRODUCTS` products, whose keys land in different hash slots (one product's keys
 * share one slot), so every master takes a share. Rounds alternate single → cluster, so noise from
 * other processes on the machine touches both sides of a round; the ratio is the median of the
 * rounds' ratios.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import type { Connection } from 'mysql2/promise';

export const REDIS_CLUSTER_FLAG = '--redis-cluster';

const PRODUCTS = Number(process.env.BENCH_CLUSTER_PRODUCTS ?? 16);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);

interface BlastResult {
  results: { json: string }[];
  seconds: number;
  rps: number;
  latencyMs: Record<string, number>;
  cpuMsPerRequest: Record<string, number>;
}

/** What the purchase benchmark lends this part: its servers, load generator and fixtures. */
export interface ClusterBenchDeps {
  db: Connection;
  members: { token: string }[];
  keyPrefix: string;
  purchaseQuery: string;
  startServer(extra: Record<string, string>): Promise<ChildProcess[]>;
  stopServer(children: ChildProcess[]): Promise<void>;
  blast(bodies: { body: string; token: string }[]): Promise<BlastResult>;
  createProduct(db: Connection, stock: number): Promise<number>;
}

/** REDIS_CLUSTER_NODES, or the local cluster of `services.sh`, started here when it is down. */
function clusterNodes(): string {
  if (process.env.REDIS_CLUSTER_NODES) return process.env.REDIS_CLUSTER_NODES;
  execFileSync('bash', [join(__dirname, '../../scripts/services.sh'), 'start-redis-cluster'], {
    stdio: 'inherit',
  });
  const base = Number(process.env.REDIS_CLUSTER_PORT_BASE ?? 7000);
  return Array.from({ length: 6 }, (_, i) => `127.0.0.1:${base + i}`).join(',');
}

/** Deletes the bench's keys on every master; returns how many keys each master held. */
async function wipe(cluster: Cluster, prefix: string): Promise<Record<string, number>> {
  const held: Record<string, number> = {};
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
      if (keys.length) await Promise.all(keys.map((k) => node.del(k)));
    } while (cursor !== '0');
    held[`${node.options.host}:${node.options.port}`] = n;
  }
  return held;
}

/** Runs the comparison; the result goes into the purchase benchmark's results file. */
export async function runRedisClusterRatio(deps: ClusterBenchDeps) {
  const nodes = clusterNodes();
  const cluster = new Cluster(
    nodes.split(',').map((n) => {
      const [host, port] = n.trim().split(':');
      return { host, port: Number(port) };
    }),
  );
  await wipe(cluster, deps.keyPrefix);
  const purchases = async (tag: string) => {
    const products: number[] = [];
    for (let i = 0; i < PRODUCTS; i++)
      products.push(await deps.createProduct(deps.db, deps.members.length));
    return deps.members.map((m, i) => ({
      body: JSON.stringify({
        query: deps.purchaseQuery,
        variables: {
          input: { productId: String(products[i % PRODUCTS]), idempotencyKey: `${tag}-${i}` },
        },
      }),
      token: m.token,
    }));
  };
  const measure = async (extra: Record<string, string>, tag: string) => {
    const server = await deps.startServer(extra);
    try {
      await deps.blast(await purchases(`${tag}-warm`)); // JIT and sale state of a first product set
      const result = await deps.blast(await purchases(tag));
      const reserved = result.results.filter((r) =>
        r.json.includes('"__typename":"Reservation"'),
      ).length;
      return { ...result, reserved };
    } finally {
      await deps.stopServer(server);
    }
  };
  const rounds = [];
  let keysPerMaster: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const single = await measure({}, `single${round}`);
    const onCluster = await measure({ REDIS_CLUSTER_NODES: nodes }, `cluster${round}`);
    keysPerMaster = await wipe(cluster, deps.keyPrefix);
    rounds.push({
      single: { rps: single.rps, latencyMs: single.latencyMs, reserved: single.reserved },
      cluster: { rps: onCluster.rps, latencyMs: onCluster.latencyMs, reserved: onCluster.reserved },
      ratio: Number((onCluster.rps / single.rps).toFixed(3)),
      apiCpuMsPerRequest: {
        single: single.cpuMsPerRequest.api,
        cluster: onCluster.cpuMsPerRequest.api,
      },
    });
  }
  cluster.disconnect();
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  return {
    nodes,
    products: PRODUCTS,
    purchasesPerBlast: deps.members.length,
    // Where the last cluster round's keys were: one product's keys on one master, products spread.
    keysPerMaster,
    rounds,
    clusterToSingleRatio: ratios[Math.floor(ratios.length / 2)],
  };
}
