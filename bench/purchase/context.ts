/** The purchase benchmark's settings, its servers' environment and the processes under test. */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { postGraphql, SERVER_NODE_FLAGS } from '../fixtures';
import { MAIN_JS } from '../lib/paths';
import { spawnNode, stopChild, waitReady } from '../lib/proc';
import { serverEnv } from '../lib/setup';

export const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 128);
/**
 * Clients of the last pay round. A pay waits out the provider's latency, so `CONNECTIONS` clients
 * cannot pay faster than CONNECTIONS ÷ (latency + the server's own time per pay); this round shows
 * what the server does when clients are not the limit.
 */
export const MANY_CLIENTS = Number(process.env.BENCH_MANY_CLIENTS ?? 512);
export const PORT = Number(process.env.BENCH_PORT ?? 4410);
export const RATIO_ROUNDS = Number(process.env.BENCH_RATIO_ROUNDS ?? 5);
/**
 * Pay rounds with `CONNECTIONS` clients, each on 10,000 new units: runs of one build spread by
 * ±15% on a shared 2-core machine, so the figures reported are the median round's.
 */
export const PAY_ROUNDS = Number(process.env.BENCH_PAY_ROUNDS ?? 3);
export const ORIGINAL_TPS = 235.38;
export const SPLIT = process.env.BENCH_SPLIT !== '0';

// TEST_NAMESPACE keeps two checkouts' benchmarks on one machine apart (database, keys, topics).
const ns = (process.env.TEST_NAMESPACE ?? '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
export const env = serverEnv({
  MYSQL_DATABASE: ns ? `rm_bench_${ns}` : 'rm_bench',
  REDIS_KEY_PREFIX: ns ? `bench:${ns}:` : 'bench:',
  KAFKA_TOPIC_PREFIX: `bench.${ns ? `${ns}.` : ''}${Date.now()}.`,
  KAFKA_GROUP_PREFIX: ns ? `bench.${ns}` : 'bench',
  HTTP_PORT: String(PORT),
});
export const config = loadConfig({ ...process.env, ...env });
export const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
export const manyClients = new http.Agent({ keepAlive: true, maxSockets: MANY_CLIENTS });
export const post = (body: string, token: string) => postGraphql(agent, PORT, body, token);

export const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename ... on Reservation { id } } }`;
export const PAY = `mutation($input: PayInput!) { pay(input: $input) { __typename } }`;
export const TYPENAME = `{ __typename }`;

/** The servers under test now (the first is the one whose CPU counts as the API's) and Redis. */
export const running: { servers: ChildProcess[]; redis?: Redis } = { servers: [] };

/**
 * The API process, plus (by default) a separate worker process as deployed: `api` and `worker`
 * roles. `nodeArgs` go before the app's script (the floor round preloads bench/floor.ts).
 */
export async function startServer(
  extra: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildProcess[]> {
  const roles = SPLIT ? ['api', 'worker'] : ['all'];
  const children: ChildProcess[] = [];
  for (const [i, role] of roles.entries()) {
    children.push(
      await startProcess(
        [
          ...SERVER_NODE_FLAGS,
          ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=bench/results/prof'] : []),
          ...nodeArgs,
          MAIN_JS,
        ],
        { APP_ROLE: role, HTTP_PORT: String(PORT + i), ...extra },
      ),
    );
  }
  running.servers = children;
  return children;
}

/** A Node process with the benchmark's environment; resolves once it answers on its port. */
export async function startProcess(
  args: string[],
  extra: Record<string, string>,
): Promise<ChildProcess> {
  const child = spawnNode(args, { ...process.env, ...env, ...extra });
  await waitReady(Number(extra.HTTP_PORT));
  return child;
}

export async function stopServer(children: ChildProcess[]): Promise<void> {
  for (const child of children) await stopChild(child);
}
