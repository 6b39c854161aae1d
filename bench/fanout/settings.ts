/** The fan-out benchmark's settings, its servers' environment and the time base of its clocks. */
import { readFileSync } from 'node:fs';
import { serverEnv } from '../lib/setup';

export const WATCHERS = (process.env.FANOUT_WATCHERS ?? '1,1000,10000,30000')
  .split(',')
  .map((w) => Number(w.trim()))
  .filter((w) => w > 0);
export const UNITS = Number(process.env.FANOUT_UNITS ?? 500);
export const BUYERS = Number(process.env.FANOUT_BUYERS ?? 64);
export const TOPOLOGY = process.env.FANOUT_TOPOLOGY === 'all' ? 'all' : 'split';
export const SOCKETS_PER_ADDRESS = Number(process.env.FANOUT_SOCKETS_PER_ADDRESS ?? 25_000);
export const BARE_FRAMES = Number(process.env.FANOUT_BARE_FRAMES ?? 10);
export const SOLD_OUT_TIMEOUT_MS = Number(process.env.FANOUT_SOLD_OUT_TIMEOUT_MS ?? 60_000);
export const PORT = Number(process.env.BENCH_PORT ?? 4420);
export const API_PORT = PORT;
export const REALTIME_PORT = PORT + 10;
export const BARE_PORT = PORT + 50;

export const SUBSCRIBE = `subscription($productId: ID!) { stockChanged(productId: $productId) { productId remaining saleState soldOut version } }`;
export const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename } }`;

/** Epoch milliseconds with sub-millisecond precision (every process of the run shares it). */
export const now = () => performance.timeOrigin + performance.now();

export const env = serverEnv({
  MYSQL_DATABASE: process.env.FANOUT_DATABASE ?? 'rm_bench_fanout',
  REDIS_KEY_PREFIX: process.env.FANOUT_REDIS_PREFIX ?? 'bench-fanout:',
  KAFKA_TOPIC_PREFIX: `bench.fanout.${Date.now()}.`,
  KAFKA_GROUP_PREFIX: 'bench-fanout',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
  // Every watcher is anonymous: the per-process cap on anonymous sockets would refuse some.
  WS_MAX_ANONYMOUS_CONNECTIONS: '0',
  // A sale is one long hold per unit: nothing expires during the run.
  SALE_HOLD_SECONDS: '3600',
});

/** This process's open-file limit (children inherit it): each socket is a file descriptor. */
function openFileLimit(): number {
  try {
    const line = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : 1024;
  } catch {
    return 1024;
  }
}

/**
 * Sockets one process may hold: FANOUT_SOCKETS_PER_PROCESS, or the open-file limit less some
 * headroom. Past it the watchers are split over several realtime processes (as behind a load
 * balancer), each with its own watchers' client process and its own bare server.
 */
export const SOCKETS_PER_PROCESS = Number(
  process.env.FANOUT_SOCKETS_PER_PROCESS ?? Math.max(100, openFileLimit() - 2000),
);
