/**
 * Live-stock fan-out load test: `npm run bench:fanout`. Three kinds of process, as deployed:
 * the purchase API (`api`, websockets off; or one `all` process with FANOUT_TOPOLOGY=all), the
 * websocket fan-out (`realtime`), and a watchers' client process holding W graphql-ws sockets
 * subscribed to `stockChanged` of one product, while this process buys the product's units over
 * keep-alive HTTP. Each watcher count (FANOUT_WATCHERS, e.g. 1,1000,10000,30000) gets a fresh
 * product, a fresh watchers' client and a fresh realtime process. Beside it, a bare `ws` server
 * sends pre-serialised frames of the same size to the same number of sockets: the floor of
 * what a socket write costs on this machine.
 *
 * Past about 28,000 sockets one source address runs out of ephemeral ports: the watchers' client
 * binds 127.0.0.1, 127.0.0.2, … in turn (FANOUT_SOCKETS_PER_ADDRESS each, fresh ones for each
 * phase; Linux routes all of 127/8 to loopback). Past the open-file limit of one process (FANOUT_SOCKETS_PER_PROCESS,
 * by default that limit less 2,000) the watchers are split over several realtime processes, as
 * behind a load balancer, each with its own watchers' client and bare server; CPU and RSS are
 * summed over them.
 *
 * SOLD_OUT delay is measured from the moment the buyer of the last unit got its answer to the
 * moment each watcher got SOLD_OUT (both clocks are this machine's): negative means the watchers
 * heard before the buyer did.
 *
 * Prints the figures and writes bench/results/<date>-fanout.json (FANOUT_RESULTS_FILE to change).
 */
import 'reflect-metadata';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';
import WebSocket, { WebSocketServer } from 'ws';
import { ensureDatabase } from '../src/cli/database';
import { createOrm, migrateUp } from '../src/clients/orm';
import { createMemoryPubSub } from '../src/clients/pubsub';
import { loadConfig } from '../src/config';
import { TokenService } from '../src/services/members/token.service';
import { createBenchMembers, postGraphql, SERVER_NODE_FLAGS } from './fixtures';

const WATCHERS = (process.env.FANOUT_WATCHERS ?? '1,1000,10000,30000')
  .split(',')
  .map((w) => Number(w.trim()))
  .filter((w) => w > 0);
const UNITS = Number(process.env.FANOUT_UNITS ?? 500);
const BUYERS = Number(process.env.FANOUT_BUYERS ?? 64);
const TOPOLOGY = process.env.FANOUT_TOPOLOGY === 'all' ? 'all' : 'split';
const SOCKETS_PER_ADDRESS = Number(process.env.FANOUT_SOCKETS_PER_ADDRESS ?? 25_000);
const BARE_FRAMES = Number(process.env.FANOUT_BARE_FRAMES ?? 10);
const SOLD_OUT_TIMEOUT_MS = Number(process.env.FANOUT_SOLD_OUT_TIMEOUT_MS ?? 60_000);
const PORT = Number(process.env.BENCH_PORT ?? 4420);
const API_PORT = PORT;
const REALTIME_PORT = PORT + 10;
const BARE_PORT = PORT + 50;
const stamp = new Date().toISOString().slice(0, 10);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const SUBSCRIBE = `subscription($productId: ID!) { stockChanged(productId: $productId) { productId remaining saleState soldOut version } }`;
const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename } }`;

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- watchers' client process

interface WatcherStats {
  sockets: number;
  open: number;
  frames: number;
  bytes: number;
  /** Epoch ms at which each socket got its SOLD_OUT frame (absent: never). */
  soldOutAt: number[];
  cpuSeconds: number;
}

function watcherProcess() {
  let sockets: WebSocket[] = [];
  let frames = 0;
  let bytes = 0;
  let soldOutAt: number[] = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const stats = (): WatcherStats => ({
    sockets: sockets.length,
    open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    frames,
    bytes,
    soldOutAt: soldOutAt.filter((t) => t > 0),
    cpuSeconds: cpu(),
  });

  async function connect(url: string, n: number, productId: number | null, addresses: string[]) {
    frames = 0;
    bytes = 0;
    soldOutAt = new Array<number>(n).fill(0);
    let firsts = 0;
    let next = 0;
    let retries = 0;
    // A socket refused or dropped before its first frame tries again with backoff, as the
    // widget does; `retries` counts those attempts.
    const open = (i: number, attempt = 0): Promise<void> =>
      new Promise<void>((resolve) => {
        let settled = false;
        const retry = () => {
          if (settled) return;
          settled = true;
          if (attempt >= 6) return resolve();
          retries++;
          setTimeout(() => void open(i, attempt + 1).then(resolve), 100 * 2 ** attempt);
        };
        const socket = new WebSocket(url, productId === null ? undefined : 'graphql-transport-ws', {
          localAddress: addresses[Math.floor(i / SOCKETS_PER_ADDRESS)],
          perMessageDeflate: false,
        });
        sockets[i] = socket;
        let first = true;
        socket.on('error', retry);
        socket.on('close', retry);
        socket.on('open', () => {
          if (productId === null) {
            settled = true;
            return resolve();
          }
          socket.send('{"type":"connection_init"}');
        });
        socket.on('message', (data: Buffer) => {
          const text = data.toString();
          if (productId !== null && text.includes('"connection_ack"')) {
            socket.send(
              JSON.stringify({
                id: '1',
                type: 'subscribe',
                payload: { query: SUBSCRIBE, variables: { productId: String(productId) } },
              }),
            );
            return;
          }
          if (first) {
            // The current value at subscribe: the socket is ready; not counted as a sale frame.
            first = false;
            settled = true;
            firsts++;
            return resolve();
          }
          frames++;
          bytes += data.length;
          if (text.includes('SOLD_OUT') && soldOutAt[i] === 0) soldOutAt[i] = now();
        });
      });
    // A few hundred handshakes at once: more only queues SYNs.
    await Promise.all(
      Array.from({ length: Math.min(500, n) }, async () => {
        while (next < n) await open(next++);
      }),
    );
    return {
      firsts,
      retries,
      open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    };
  }

  process.on(
    'message',
    (msg: { cmd: string; url?: string; n?: number; productId?: number; addresses?: string[] }) => {
      void (async () => {
        if (msg.cmd === 'connect') {
          const r = await connect(msg.url!, msg.n!, msg.productId ?? null, msg.addresses!);
          process.send!({ cmd: 'connected', ...r });
        } else if (msg.cmd === 'stats') {
          process.send!({ cmd: 'stats', ...stats() });
        } else if (msg.cmd === 'reset') {
          frames = 0;
          bytes = 0;
          process.send!({ cmd: 'reset' });
        } else if (msg.cmd === 'close') {
          for (const s of sockets) s.terminate();
          sockets = [];
          process.send!({ cmd: 'closed' });
        }
      })();
    },
  );
}

// ---------------------------------------------------------------- bare ws server process

function bareProcess() {
  const port = Number(process.env.BARE_PORT);
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  wss.on('listening', () => process.send!({ cmd: 'listening' }));
  process.on('message', (msg: { cmd: string; frame?: string; frames?: number }) => {
    void (async () => {
      if (msg.cmd !== 'blast') return;
      const clients = [...wss.clients];
      const idle = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const idleCpu = process.cpuUsage(idle);
      const before = process.cpuUsage();
      for (let f = 0; f < msg.frames!; f++) {
        for (const c of clients) c.send(msg.frame!);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 400));
      const used = process.cpuUsage(before);
      // Idle CPU over the same 0.5 s as the sends' waits, taken away.
      const idleShare = ((idleCpu.user + idleCpu.system) / 0.5) * (msg.frames! * 0.1 + 0.4);
      const seconds = Math.max(0, used.user + used.system - idleShare) / 1e6;
      process.send!({ cmd: 'blasted', sends: clients.length * msg.frames!, cpuSeconds: seconds });
    })();
  });
}

// ---------------------------------------------------------------- orchestrator

const env = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MYSQL_DATABASE: process.env.FANOUT_DATABASE ?? 'rm_bench_fanout',
  REDIS_KEY_PREFIX: process.env.FANOUT_REDIS_PREFIX ?? 'bench-fanout:',
  KAFKA_TOPIC_PREFIX: `bench.fanout.${Date.now()}.`,
  KAFKA_GROUP_PREFIX: 'bench-fanout',
  LOG_LEVEL: 'warn',
  HTTP_HOST: '127.0.0.1',
  WS_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
  // A sale is one long hold per unit: nothing expires during the run.
  SALE_HOLD_SECONDS: '3600',
};

function processCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function processRssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number((Number(kib ?? 0) / 1024).toFixed(1));
  } catch {
    return 0;
  }
}

function startRole(role: string, port: number, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...SERVER_NODE_FLAGS, join(__dirname, '../src/main.js')], {
    env: { ...process.env, ...env, APP_ROLE: role, HTTP_PORT: String(port), ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function waitReady(port: number, path = '/readyz'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not become ready`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Sends a command to a forked helper and waits for its answer. */
function ask<T>(child: ChildProcess, msg: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { cmd: string }) => {
      if (m.cmd !== answer) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.send(msg);
  });
}

function helper(mode: 'watchers' | 'bare', barePort = 0): ChildProcess {
  return fork(__filename, [mode], {
    env: { ...process.env, BENCH_PORT: String(PORT), BARE_PORT: String(barePort) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: BUYERS });

async function createProduct(db: Connection, stock: number): Promise<number> {
  const [res] = await db.query<import('mysql2').ResultSetHeader>(
    `insert into products (created_at, updated_at, name, description, price, stock) values (now(3), now(3), 'Fan-out rocket', '', 4900, ?)`,
    [stock],
  );
  return res.insertId;
}

/** Buys every unit with BUYERS concurrent buyers, one unit a request. */
async function sell(productId: number, members: string[]) {
  let next = 0;
  let sold = 0;
  let lastSaleAt = 0;
  let failures = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: BUYERS }, async () => {
      while (next < members.length && sold < UNITS) {
        const i = next++;
        const { json } = await postGraphql(
          agent,
          API_PORT,
          JSON.stringify({
            query: PURCHASE,
            variables: {
              input: { productId: String(productId), idempotencyKey: `f-${productId}-${i}` },
            },
          }),
          members[i],
        );
        if (json.includes('"Reservation"')) {
          sold++;
          lastSaleAt = now();
        } else if (!json.includes('SoldOutError')) {
          failures++;
          if (failures === 1) console.error(`a purchase failed: ${json.slice(0, 300)}`);
        }
      }
    }),
  );
  const seconds = (lastSaleAt - started) / 1000;
  return { sold, seconds, purchasesPerSecond: Number((sold / seconds).toFixed(1)), lastSaleAt };
}

const quantile = (values: number[], p: number) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1));
};

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
const SOCKETS_PER_PROCESS = Number(
  process.env.FANOUT_SOCKETS_PER_PROCESS ?? Math.max(100, openFileLimit() - 2000),
);

const sum = (values: number[]) => Number(values.reduce((a, b) => a + b, 0).toFixed(3));

/**
 * Loopback source addresses for `n` sockets, never handed out twice in one run: a closed
 * client socket keeps its port in TIME_WAIT for a minute, so the next phase starts on fresh ones.
 */
let nextAddress = 0;
function sourceAddresses(n: number): string[] {
  return Array.from({ length: Math.max(1, Math.ceil(n / SOCKETS_PER_ADDRESS)) }, () => {
    const c = nextAddress++;
    return `127.0.${Math.floor(c / 250)}.${1 + (c % 250)}`;
  });
}

async function runOne(
  watchers: number,
  db: Connection,
  members: string[],
  api: ChildProcess,
): Promise<Record<string, unknown>> {
  const shards = Math.max(1, Math.ceil(watchers / SOCKETS_PER_PROCESS));
  if (TOPOLOGY === 'all' && shards > 1)
    throw new Error(`${watchers} sockets do not fit one process here; use the split topology`);
  const sizes = Array.from(
    { length: shards },
    (_, k) => Math.floor(watchers / shards) + (k < watchers % shards ? 1 : 0),
  );
  const realtime =
    TOPOLOGY === 'split' ? sizes.map((_, k) => startRole('realtime', REALTIME_PORT + k)) : [];
  for (const [k] of realtime.entries()) await waitReady(REALTIME_PORT + k, '/healthz');
  const wsPids = realtime.length ? realtime.map((r) => r.pid) : [api.pid];
  const wsPorts = realtime.length ? realtime.map((_, k) => REALTIME_PORT + k) : [API_PORT];
  const productId = await createProduct(db, UNITS);
  const clients = sizes.map(() => helper('watchers'));
  const rssIdle = sum(wsPids.map(processRssMiB));
  const connected = await Promise.all(
    clients.map((client, k) =>
      ask<{ firsts: number; open: number; retries: number }>(
        client,
        {
          cmd: 'connect',
          url: `ws://127.0.0.1:${wsPorts[k]}/graphql`,
          n: sizes[k],
          productId,
          addresses: sourceAddresses(sizes[k]),
        },
        'connected',
      ),
    ),
  );
  const firsts = sum(connected.map((c) => c.firsts));
  await new Promise((r) => setTimeout(r, 500));
  const rssWatching = sum(wsPids.map(processRssMiB));
  const cpu = () => ({
    api: processCpu(api.pid),
    ws: sum(wsPids.map(processCpu)),
    client: sum(clients.map((c) => processCpu(c.pid))),
  });
  const cpu0 = cpu();
  const sale = await sell(productId, members);
  const deadline = Date.now() + SOLD_OUT_TIMEOUT_MS;
  let stats: WatcherStats[];
  do {
    await new Promise((r) => setTimeout(r, 200));
    stats = await Promise.all(clients.map((c) => ask<WatcherStats>(c, { cmd: 'stats' }, 'stats')));
  } while (sum(stats.map((s) => s.soldOutAt.length)) < firsts && Date.now() < deadline);
  const cpu1 = cpu();
  const rssPeak = sum(wsPids.map(processRssMiB));
  const soldOutAt = stats.flatMap((s) => s.soldOutAt);
  const frames = sum(stats.map((s) => s.frames));
  const bytes = sum(stats.map((s) => s.bytes));
  const delays = soldOutAt.map((t) => t - sale.lastSaleAt);
  const wsCpu = cpu1.ws - cpu0.ws;

  await Promise.all(clients.map((c) => ask(c, { cmd: 'close' }, 'closed')));
  for (const c of clients) c.kill();
  await Promise.all(realtime.map(stop));

  // The floor: the same sockets on bare ws servers, sent frames of the same size.
  const frameBytes = frames ? Math.round(bytes / frames) : 200;
  const bares = sizes.map((_, k) => helper('bare', BARE_PORT + k));
  await Promise.all(bares.map((b) => new Promise((r) => b.once('message', r))));
  const bareClients = sizes.map(() => helper('watchers'));
  await Promise.all(
    bareClients.map((c, k) =>
      ask(
        c,
        {
          cmd: 'connect',
          url: `ws://127.0.0.1:${BARE_PORT + k}`,
          n: sizes[k],
          productId: null,
          addresses: sourceAddresses(sizes[k]),
        },
        'connected',
      ),
    ),
  );
  const blasted = await Promise.all(
    bares.map((b) =>
      ask<{ sends: number; cpuSeconds: number }>(
        b,
        { cmd: 'blast', frame: 'x'.repeat(frameBytes), frames: BARE_FRAMES },
        'blasted',
      ),
    ),
  );
  await Promise.all(bareClients.map((c) => ask(c, { cmd: 'close' }, 'closed')));
  for (const c of [...bareClients, ...bares]) c.kill();

  const bareSends = sum(blasted.map((b) => b.sends));
  const cpuPerSendUs = frames ? (wsCpu * 1e6) / frames : null;
  const bareUs = bareSends ? (sum(blasted.map((b) => b.cpuSeconds)) * 1e6) / bareSends : null;
  return {
    watchers,
    realtimeProcesses: realtime.length,
    connected: sum(connected.map((c) => c.open)),
    connectRetries: sum(connected.map((c) => c.retries)),
    sold: sale.sold,
    saleSeconds: Number(sale.seconds.toFixed(3)),
    purchasesPerSecond: sale.purchasesPerSecond,
    gotSoldOut: soldOutAt.length,
    soldOutDelayMs: {
      p50: quantile(delays, 0.5),
      p99: quantile(delays, 0.99),
      max: quantile(delays, 1),
    },
    framesPerWatcher: Number((frames / Math.max(1, firsts)).toFixed(2)),
    bytesPerWatcher: Math.round(bytes / Math.max(1, firsts)),
    cpuSeconds: {
      api: Number((cpu1.api - cpu0.api).toFixed(2)),
      realtime: realtime.length ? Number(wsCpu.toFixed(2)) : null,
      watchersClient: Number((cpu1.client - cpu0.client).toFixed(2)),
    },
    rssMiB: {
      api: processRssMiB(api.pid),
      realtimeIdle: rssIdle,
      realtimeWatching: rssWatching,
      realtimePeak: rssPeak,
    },
    rssKiBPerIdleWatcher: Number((((rssWatching - rssIdle) * 1024) / watchers).toFixed(1)),
    cpuUsPerWatcherFrame: cpuPerSendUs === null ? null : Number(cpuPerSendUs.toFixed(1)),
    bareWsCpuUsPerSend: bareUs === null ? null : Number(bareUs.toFixed(1)),
    vsBare: cpuPerSendUs && bareUs ? Number((cpuPerSendUs / bareUs).toFixed(2)) : null,
  };
}

async function main() {
  const config = loadConfig({ ...process.env, ...env });
  await ensureDatabase(config.mysql, { recreate: true });
  const orm = await createOrm(config.mysql);
  await migrateUp(orm);
  await orm.close(true);
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    db: config.redis.db,
  });
  const stale = await redis.keys(`${config.redis.keyPrefix}*`);
  for (let i = 0; i < stale.length; i += 1000) await redis.del(...stale.slice(i, i + 1000));
  const db = await createConnection({ ...config.mysql, database: config.mysql.dbName });
  const tokens = new TokenService(config.auth, redis, createMemoryPubSub());
  const members = (await createBenchMembers(db, tokens, UNITS + BUYERS, 'f')).map((m) => m.token);

  const api =
    TOPOLOGY === 'split'
      ? startRole('api', API_PORT, { API_SERVES_WEBSOCKETS: 'false' })
      : startRole('all', API_PORT);
  let results: Record<string, unknown>[] = [];
  try {
    await waitReady(API_PORT);
    // Warm-up: one sale with one watcher, not measured.
    await runOne(1, db, members, api);
    // The 1-watcher figure is measured in the same run as the others, for the ratio.
    const counts = WATCHERS.includes(1) ? WATCHERS : [1, ...WATCHERS];
    for (const w of counts) {
      const r = await runOne(w, db, members, api);
      results.push(r);
      console.log(JSON.stringify(r));
    }
    const base = results.find((r) => r.watchers === 1)!.purchasesPerSecond as number;
    results = results.map((r) => ({
      ...r,
      throughputRatio: Number(((r.purchasesPerSecond as number) / base).toFixed(2)),
    }));
  } finally {
    await stop(api);
    await db.end();
    redis.disconnect();
  }

  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    settings: {
      topology: TOPOLOGY,
      units: UNITS,
      buyers: BUYERS,
      stockFrameMs: config.sale.stockFrameMs,
      sendBudget: config.realtime.sendBudget,
      socketsPerSourceAddress: SOCKETS_PER_ADDRESS,
      socketsPerProcess: SOCKETS_PER_PROCESS,
    },
    runs: results,
  };
  console.table(
    results.map((r) => ({
      watchers: r.watchers,
      'purchases/s': r.purchasesPerSecond,
      ratio: r.throughputRatio,
      'SOLD_OUT p50 ms': (r.soldOutDelayMs as { p50: number }).p50,
      'SOLD_OUT p99 ms': (r.soldOutDelayMs as { p99: number }).p99,
      'got SOLD_OUT': r.gotSoldOut,
      'frames/watcher': r.framesPerWatcher,
      'µs/(watcher,frame)': r.cpuUsPerWatcherFrame,
      'bare µs/send': r.bareWsCpuUsPerSend,
      'KiB/idle watcher': r.rssKiBPerIdleWatcher,
    })),
  );
  const file =
    process.env.FANOUT_RESULTS_FILE ?? join(__dirname, `../../bench/results/${stamp}-fanout.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

const mode = process.argv[2];
if (mode === 'watchers') watcherProcess();
else if (mode === 'bare') bareProcess();
else
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
