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
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { ensureDatabase } from '../src/cli/database';
import { createOrm, migrateUp } from '../src/clients/orm';
import { createMemoryPubSub } from '../src/clients/pubsub';
import { seriesValue } from '../src/http/metrics';
import { loadConfig } from '../src/config';
import { TokenService } from '../src/services/members/token.service';
import { createBenchMembers, deleteBenchTopics, postGraphql, SERVER_NODE_FLAGS } from './fixtures';
import { REDIS_CLUSTER_FLAG, runRedisClusterRatio } from './redis-cluster';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 128);
/**
 * Clients of the last pay round. A pay waits out the provider's latency, so `CONNECTIONS` clients
 * cannot pay faster than CONNECTIONS ÷ (latency + the server's own time per pay); this round shows
 * what the server does when clients are not the limit.
 */
const MANY_CLIENTS = Number(process.env.BENCH_MANY_CLIENTS ?? 512);
const PORT = Number(process.env.BENCH_PORT ?? 4410);
const RATIO_ROUNDS = Number(process.env.BENCH_RATIO_ROUNDS ?? 5);
/**
 * Pay rounds with `CONNECTIONS` clients, each on 10,000 new units: runs of one build spread by
 * ±15% on a shared 2-core machine, so the figures reported are the median round's.
 */
const PAY_ROUNDS = Number(process.env.BENCH_PAY_ROUNDS ?? 3);
const ORIGINAL_TPS = 235.38;
const stamp = new Date().toISOString().slice(0, 10);
// TEST_NAMESPACE keeps two checkouts' benchmarks on one machine apart (database, keys, topics).
const ns = (process.env.TEST_NAMESPACE ?? '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
const env = {
  // Production mode (graphql-js and Apollo skip development checks), so real secrets are needed.
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MYSQL_DATABASE: ns ? `rm_bench_${ns}` : 'rm_bench',
  REDIS_KEY_PREFIX: ns ? `bench:${ns}:` : 'bench:',
  KAFKA_TOPIC_PREFIX: `bench.${ns ? `${ns}.` : ''}${Date.now()}.`,
  KAFKA_GROUP_PREFIX: ns ? `bench.${ns}` : 'bench',
  LOG_LEVEL: 'warn',
  HTTP_PORT: String(PORT),
  HTTP_HOST: '127.0.0.1',
};
const config = loadConfig({ ...process.env, ...env });
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const post = (body: string, token: string) => postGraphql(agent, PORT, body, token);
const manyClients = new http.Agent({ keepAlive: true, maxSockets: MANY_CLIENTS });

const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename ... on Reservation { id } } }`;
const PAY = `mutation($input: PayInput!) { pay(input: $input) { __typename } }`;
const TYPENAME = `{ __typename }`;

/** CPU seconds used so far by each process on the machine that takes part in a run. */
interface CpuSnapshot {
  api: number;
  worker: number;
  redis: number;
  mysql: number;
  loadGenerator: number;
  machineBusy: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function machineBusy(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/);
    const n = ticks.map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    return (n[0] + n[1] + n[2] + n[5] + n[6] + n[7]) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The MySQL server's pid (mysqld or mariadbd on this machine), found once in /proc. */
const mysqlPid = (() => {
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm === 'mysqld' || comm === 'mariadbd') return Number(pid);
    }
  } catch {
    // Not Linux, or /proc not readable: MySQL's share stays in "other".
  }
  return undefined;
})();

let servers: ChildProcess[] = [];
let redisProbe: Redis | undefined;

async function cpuSnapshot(): Promise<CpuSnapshot> {
  const info = (await redisProbe?.info('cpu')) ?? '';
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  const own = process.cpuUsage();
  return {
    api: processCpu(servers[0]?.pid),
    worker: processCpu(servers[1]?.pid),
    redis: field('used_cpu_user') + field('used_cpu_sys'),
    mysql: processCpu(mysqlPid),
    loadGenerator: (own.user + own.system) / 1e6,
    machineBusy: machineBusy(),
  };
}

/** CPU milliseconds per request of each process between two snapshots. */
function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  const per = (k: keyof CpuSnapshot) =>
    Number((((after[k] - before[k]) * 1000) / requests).toFixed(3));
  const api = per('api');
  const worker = per('worker');
  const redis = per('redis');
  const mysql = per('mysql');
  const loadGenerator = per('loadGenerator');
  const machine = per('machineBusy');
  return {
    api,
    worker,
    redis,
    mysql,
    loadGenerator,
    other: Number(Math.max(0, machine - api - worker - redis - mysql - loadGenerator).toFixed(3)),
    machine,
  };
}

/** Fires every request at once (bounded by the agent's sockets); returns latencies and bodies. */
async function blast(bodies: { body: string; token: string }[], via = agent) {
  const cpuBefore = await cpuSnapshot();
  const started = performance.now();
  const results = await Promise.all(bodies.map((b) => postGraphql(via, PORT, b.body, b.token)));
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerRequest = cpuPerRequest(cpuBefore, await cpuSnapshot(), results.length);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p: number) =>
    Number(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1));
  return {
    results,
    seconds: Number(seconds.toFixed(3)),
    rps: Math.round(results.length / seconds),
    latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(0.9999) },
    cpuMsPerRequest,
  };
}

type Blast = Awaited<ReturnType<typeof blast>>;

/** A client's milliseconds per request, when `clients` send one request at a time each and reach `rps`. */
const cycleOf = (clients: number, rps: number) => (clients * 1000) / rps;

/**
 * What bounds a pay round. Each client pays one reservation at a time, so a round runs at
 * clients ÷ cycle, and a cycle is the provider's latency plus our own time (the server's steps
 * and their queueing, and the client's): `ceilingRps` is the rate with no time of our own.
 * `apiCoreBusy` is the API process's share of one core, `machineBusy` the machine's share of all
 * its cores, during the blast.
 */
function payLimits(pay: Blast, clients: number, timings: ReturnType<typeof meanMs>) {
  const { operation, ...stepsMs } = timings;
  const latencyMs = config.payment.latencyMs;
  const cycleMs = cycleOf(clients, pay.rps);
  const busy = (cpuMs: number, cores = 1) => Number(((cpuMs * pay.rps) / 1000 / cores).toFixed(2));
  return {
    clients,
    cycleMs: Number(cycleMs.toFixed(1)),
    providerLatencyMs: latencyMs,
    ownMs: Number((cycleMs - latencyMs).toFixed(1)),
    // Inside the API: the pay operation (from Apollo's start to its answer) and its steps.
    serverMs: operation,
    stepsMs,
    ceilingRps: latencyMs > 0 ? Math.round((clients * 1000) / latencyMs) : null,
    apiCoreBusy: busy(pay.cpuMsPerRequest.api),
    machineBusy: busy(pay.cpuMsPerRequest.machine, cpus().length),
  };
}

/** The API's timings of `pay`: its steps and the whole operation, as [histogram, labels]. */
const PAY_TIMINGS = {
  claim: ['payment_step_duration_seconds', 'step="claim"'],
  record: ['payment_step_duration_seconds', 'step="record"'],
  charge: ['payment_step_duration_seconds', 'step="charge"'],
  markPaid: ['payment_step_duration_seconds', 'step="mark_paid"'],
  paidRow: ['payment_step_duration_seconds', 'step="paid_row"'],
  operation: ['graphql_operation_duration_seconds', 'operation="pay",type="mutation"'],
} as const;
type PayTiming = keyof typeof PAY_TIMINGS;
type PayTimings = Record<PayTiming, { sum: number; count: number }>;

/** The sum and count of each `pay` timing in the API's `/metrics` now (zero before the first). */
async function payTimings(): Promise<PayTimings> {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  return Object.fromEntries(
    Object.entries(PAY_TIMINGS).map(([name, [histogram, labels]]) => {
      const read = (part: string) => seriesValue(text, `${histogram}_${part}{${labels}}`) ?? 0;
      return [name, { sum: read('sum'), count: read('count') }];
    }),
  ) as PayTimings;
}

/** Mean milliseconds of each `pay` timing between two readings. */
function meanMs(before: PayTimings, after: PayTimings): Record<PayTiming, number> {
  return Object.fromEntries(
    (Object.keys(PAY_TIMINGS) as PayTiming[]).map((k) => {
      const count = after[k].count - before[k].count;
      const ms = count > 0 ? ((after[k].sum - before[k].sum) * 1000) / count : 0;
      return [k, Number(ms.toFixed(1))];
    }),
  ) as Record<PayTiming, number>;
}

/** The item with the median `value` (the upper one of an even count). */
function median<T>(items: T[], value: (item: T) => number): T {
  return [...items].sort((a, b) => value(a) - value(b))[Math.floor(items.length / 2)];
}

/**
 * The API process, plus (by default) a separate worker process as deployed: `api` and `worker`
 * roles. `nodeArgs` go before the app's script (the floor round preloads bench/floor.ts).
 */
async function startServer(
  extra: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildProcess[]> {
  const split = process.env.BENCH_SPLIT !== '0';
  const roles = split ? ['api', 'worker'] : ['all'];
  const children: ChildProcess[] = [];
  for (const [i, role] of roles.entries()) {
    children.push(
      await startProcess(
        [
          ...SERVER_NODE_FLAGS,
          ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=bench/results/prof'] : []),
          ...nodeArgs,
          join(__dirname, '../src/main.js'),
        ],
        { APP_ROLE: role, HTTP_PORT: String(PORT + i), ...extra },
      ),
    );
  }
  servers = children;
  return children;
}

/** A Node process with the benchmark's environment; resolves once it answers on its port. */
async function startProcess(args: string[], extra: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitReady(Number(extra.HTTP_PORT));
  return child;
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/readyz' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

async function stopServer(children: ChildProcess[]) {
  for (const child of children) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

async function createProduct(db: Connection, stock: number): Promise<number> {
  const [res] = await db.query<import('mysql2').ResultSetHeader>(
    `insert into products (created_at, updated_at, name, description, price, stock) values (now(3), now(3), 'Bench rocket', '', 4900, ?)`,
    [stock],
  );
  return res.insertId;
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function count(db: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(sql, params);
  return Number(Object.values(rows[0])[0] ?? 0);
}

async function main() {
  // Fresh database and Redis keys for the bench.
  await ensureDatabase(config.mysql, { recreate: true });
  const orm = await createOrm(config.mysql);
  await migrateUp(orm);
  await orm.close(true);
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    db: config.redis.db,
  });
  redisProbe = redis;
  const stale = await redis.keys(`${config.redis.keyPrefix}*`);
  for (let i = 0; i < stale.length; i += 1000) await redis.del(...stale.slice(i, i + 1000));
  const db = await createConnection({ ...config.mysql, database: config.mysql.dbName });
  const tokens = new TokenService(config.auth, redis, createMemoryPubSub());
  const members = await createBenchMembers(db, tokens, MEMBERS, 'b');
  // Warm-up before anything is measured: a full blast of each request kind on the fresh server,
  // so the JIT has compiled both paths, and on a product new to it, so the server builds that
  // product's sale state from MySQL through the ORM as any server soon does. That turns on
  // Node's async context tracking (MikroORM's AsyncLocalStorage) for the rest of the process's
  // life, a cost every later promise pays: measuring before it would flatter both figures.
  let warmups = 0;
  const warm = async () => {
    warmups++;
    const warmProduct = await createProduct(db, 1_000_000);
    await blast(
      members.map((m) => ({ body: JSON.stringify({ query: TYPENAME }), token: m.token })),
    );
    await blast(
      members.map((m, i) => ({
        body: JSON.stringify({
          query: PURCHASE,
          variables: {
            input: { productId: String(warmProduct), idempotencyKey: `warm-${warmups}-${i}` },
          },
        }),
        token: m.token,
      })),
    );
  };

  // ---- Run 1: 10,000 members, 10 units, 20% abandon, 20% declined.
  let server = await startServer({ PAYMENT_DECLINE_RATE: '0.2' });
  await warm();
  const p1 = await createProduct(db, 10);
  const purchase = (productId: number, key = 'bench') =>
    members.map((m) => ({
      body: JSON.stringify({
        query: PURCHASE,
        variables: {
          input: { productId: String(productId), idempotencyKey: `${key}-${productId}` },
        },
      }),
      token: m.token,
    }));
  const run1 = await blast(purchase(p1));
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
  await waitUntil(
    async () =>
      (await count(db, 'select count(*) from order_items where product_id = ?', [p1])) >= paidCount,
    30_000,
  );
  const unitsSold1 = await count(
    db,
    'select coalesce(sum(quantity),0) from order_items where product_id = ?',
    [p1],
  );
  const orders1 = await count(db, 'select count(*) from order_items where product_id = ?', [p1]);
  const stock1 = await count(db, 'select stock from products where id = ?', [p1]);
  await stopServer(server);

  // ---- Run 2: 10,000 units, everyone buys and pays; lag and throughput ratio.
  server = await startServer({ PAYMENT_DECLINE_RATE: '0' });
  await warm();
  // Throughput ratio: `{ __typename }` and purchase blasts alternate on the same server, so a
  // burst of noise from other processes on the machine touches both blasts of a round; the
  // ratio is the median of the rounds' ratios.
  const ratioProduct = await createProduct(db, MEMBERS * RATIO_ROUNDS);
  const rounds: { typename: Blast; purchase: Blast }[] = [];
  for (let round = 0; round < RATIO_ROUNDS; round++) {
    const typename = await blast(
      members.map((m) => ({ body: JSON.stringify({ query: TYPENAME }), token: m.token })),
    );
    rounds.push({ typename, purchase: await blast(purchase(ratioProduct, `ratio${round}`)) });
  }
  const roundRatios = rounds.map((r) => r.purchase.rps / r.typename.rps);
  const ratio = median(roundRatios, (r) => r);
  const typename = median(
    rounds.map((r) => r.typename),
    (b) => b.rps,
  );
  const ratioPurchase = median(
    rounds.map((r) => r.purchase),
    (b) => b.rps,
  );
  /** Each member's pay of the reservation its purchase in `held` answered. */
  const payBodies = (held: Blast) =>
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
  const payRound = async (via: http.Agent) => {
    const productId = await createProduct(db, MEMBERS);
    const held = await blast(purchase(productId));
    const started = performance.now();
    const cpuBefore = await cpuSnapshot();
    const timingsBefore = await payTimings();
    const pay = await blast(payBodies(held), via);
    const timings = meanMs(timingsBefore, await payTimings());
    // Every pay that answered Payment has its order; one that failed (an error) has none.
    const paid = pay.results.filter(
      (p) => JSON.parse(p.json).data?.pay?.__typename === 'Payment',
    ).length;
    await waitUntil(
      async () =>
        (await count(db, 'select count(*) from order_items where product_id = ?', [productId])) >=
        paid,
      120_000,
    );
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
  };
  /** Orders of a product written per second, first order row to last. */
  const ordersPerSecond = async (productId: number, orders: number) => {
    const [span] = await db.query<RowDataPacket[]>(
      `select timestampdiff(microsecond, min(o.placed_at), max(o.placed_at)) / 1e6 as s from orders o join order_items i on i.order_id = o.id where i.product_id = ?`,
      [productId],
    );
    return Math.round(orders / Math.max(Number(span[0].s), 0.001));
  };
  const payRounds: Awaited<ReturnType<typeof payRound>>[] = [];
  for (let round = 0; round < PAY_ROUNDS; round++) payRounds.push(await payRound(agent));
  const middle = median(payRounds, (r) => r.pay.rps);
  const {
    productId: p2,
    held: run2,
    pay: pay2,
    paid: paid2,
    timings: timings2,
    writeSeconds,
    paidOrderCpu,
  } = middle;
  const [lags] = await db.query<RowDataPacket[]>(
    `select timestampdiff(microsecond, p.paid_at, o.placed_at) / 1000 as lag from orders o join payments p on p.id = o.payment_id
     join order_items i on i.order_id = o.id where i.product_id = ? order by lag`,
    [p2],
  );
  const lag = (q: number) =>
    Number(Number(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))].lag).toFixed(1));
  const stock2 = await count(db, 'select stock from products where id = ?', [p2]);
  // The same again with more clients than pays the server has in flight.
  const many = await payRound(manyClients);
  await stopServer(server);

  // ---- The floor of the 128-client pay round (bench/floor.ts): the same pays from the same
  // clients, against servers that do nothing but wait the provider's latency. A warm-up blast,
  // then `PAY_ROUNDS` measured ones; the median round's rate.
  const floorRate = async (children: ChildProcess[]) => {
    servers = children; // the first is the one whose CPU is reported as the API's
    await blast(payBodies(middle.held));
    const rounds: Blast[] = [];
    for (let round = 0; round < PAY_ROUNDS; round++)
      rounds.push(await blast(payBodies(middle.held)));
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
  const floorScript = join(__dirname, 'floor.js');
  const floors = {
    // The load generator, HTTP and the timer alone.
    httpServer: await floorRate([await startProcess([floorScript], { HTTP_PORT: String(PORT) })]),
    // Every layer of a request to the API, with a pay that only waits.
    api: await floorRate(await startServer({}, ['--require', floorScript])),
  };

  // ---- Redis Cluster ÷ single Redis, with `-- --redis-cluster` (bench/redis-cluster.ts).
  const redisCluster = process.argv.includes(REDIS_CLUSTER_FLAG)
    ? await runRedisClusterRatio({
        db,
        members,
        keyPrefix: config.redis.keyPrefix,
        purchaseQuery: PURCHASE,
        startServer: (extra) => startServer({ REDIS_CLUSTER_NODES: '', ...extra }),
        stopServer,
        blast,
        createProduct,
      })
    : undefined;
  // ---- end of the Redis Cluster part

  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    },
    setup: {
      members: MEMBERS,
      connections: CONNECTIONS,
      paymentLatencyMs: config.payment.latencyMs,
      processes:
        process.env.BENCH_SPLIT !== '0'
          ? 'API process + worker process (order writer, sweeper, relay); load generator in a third'
          : 'one API+workers process; load generator in another',
    },
    original: { tps: ORIGINAL_TPS },
    run1: {
      units: 10,
      totalSeconds: run1.seconds,
      tps: run1.rps,
      latencyMs: run1.latencyMs,
      cpuMsPerRequest: run1.cpuMsPerRequest,
      reserved: winners.length,
      abandoned: winners.length - payers.length,
      paid: paidCount,
      declined: payers.length - paidCount,
      unitsSold: unitsSold1,
      ordersInMysql: orders1,
      mysqlStockAfter: stock1,
      oversell: Math.max(0, unitsSold1 - 10),
    },
    run2: {
      units: MEMBERS,
      purchase: {
        totalSeconds: run2.seconds,
        tps: run2.rps,
        latencyMs: run2.latencyMs,
        cpuMsPerRequest: run2.cpuMsPerRequest,
      },
      ratio: {
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
          rps: ratioPurchase.rps,
          latencyMs: ratioPurchase.latencyMs,
          cpuMsPerRequest: ratioPurchase.cpuMsPerRequest,
        },
      },
      purchaseToTypenameRatio: Number(ratio.toFixed(3)),
      pay: {
        paid: paid2,
        failed: MEMBERS - paid2,
        totalSeconds: pay2.seconds,
        rps: pay2.rps,
        latencyMs: pay2.latencyMs,
        cpuMsPerRequest: pay2.cpuMsPerRequest,
        limits: payLimits(pay2, CONNECTIONS, timings2),
        // The same clients against servers whose pay only waits the provider's latency.
        floors,
        // Every round, in order; the figures above are the median round's.
        rounds: await Promise.all(
          payRounds.map(async (r) => ({
            rps: r.pay.rps,
            paid: r.paid,
            ordersInMysql: await count(
              db,
              'select count(*) from order_items where product_id = ?',
              [r.productId],
            ),
            machineCpuMsPerPaidOrder: r.paidOrderCpu.machine,
          })),
        ),
      },
      ordersInMysql: lags.length,
      mysqlStockAfter: stock2,
      oversell: Math.max(0, lags.length - MEMBERS),
      paidToOrderLagMs: { p50: lag(0.5), p95: lag(0.95), p99: lag(0.99), max: lag(0.9999) },
      ordersPerSecond: await ordersPerSecond(p2, lags.length),
      payStartToLastOrderSeconds: Number(writeSeconds.toFixed(2)),
      // Pay blast and order writing together (MySQL is the machine's server: on a shared machine
      // it includes other clients' work).
      cpuMsPerPaidOrder: paidOrderCpu,
      payWithManyClients: {
        clients: MANY_CLIENTS,
        paid: many.paid,
        rps: many.pay.rps,
        latencyMs: many.pay.latencyMs,
        ordersPerSecond: await ordersPerSecond(many.productId, many.paid),
        cpuMsPerPaidOrder: many.paidOrderCpu,
        limits: payLimits(many.pay, MANY_CLIENTS, many.timings),
      },
    },
    ...(redisCluster && { redisCluster }),
  };
  mkdirSync(join(__dirname, '../../bench/results'), { recursive: true });
  const file = join(__dirname, `../../bench/results/${stamp}-purchase.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\npurchase tps ${run1.rps} (original ${ORIGINAL_TPS}, ×${(run1.rps / ORIGINAL_TPS).toFixed(1)}), ` +
      `p99 ${run1.latencyMs.p99} ms, oversell ${result.run1.oversell}; run 2: ratio ${result.run2.purchaseToTypenameRatio}, ` +
      `lag p99 ${result.run2.paidToOrderLagMs.p99} ms, ${result.run2.ordersPerSecond} orders/s\n` +
      `pay ${pay2.rps}/s (median of ${payRounds.map((r) => r.pay.rps).join(', ')}; ${paid2} paid, p50 ${pay2.latencyMs.p50} ms, p99 ${pay2.latencyMs.p99} ms); CPU ms per paid order: ` +
      `${Object.entries(paidOrderCpu)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n` +
      `pay with ${MANY_CLIENTS} clients ${many.pay.rps}/s (${many.paid} paid, p50 ${many.pay.latencyMs.p50} ms), ` +
      `${result.run2.payWithManyClients.ordersPerSecond} orders/s, machine CPU ms per paid order ${many.paidOrderCpu.machine}\n` +
      [result.run2.pay.limits, result.run2.payWithManyClients.limits]
        .map(
          (l) =>
            `pay cycle with ${l.clients} clients ${l.cycleMs} ms = provider ${l.providerLatencyMs} + ours ${l.ownMs} ` +
            `(ceiling ${l.ceilingRps}/s); API core ${l.apiCoreBusy} busy, machine ${l.machineBusy}; ` +
            `in the API ${l.serverMs} ms: ${Object.entries(l.stepsMs)
              .map(([step, ms]) => `${step} ${ms}`)
              .join(', ')}`,
        )
        .join('\n') +
      `\npay floor with ${CONNECTIONS} clients (a pay that only waits ${config.payment.latencyMs} ms): ` +
      `bare HTTP server ${floors.httpServer.rps}/s (cycle ${floors.httpServer.cycleMs} ms, its CPU ${floors.httpServer.serverCpuMsPerRequest} ms per request), ` +
      `the API ${floors.api.rps}/s (cycle ${floors.api.cycleMs} ms, API CPU ${floors.api.serverCpuMsPerRequest} ms per request)` +
      `\nwrote ${file}`,
  );
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
