/**
 * Waiting-room load test: `npm run bench:room` (not a timed test; figures only on a quiet machine).
 * Processes as deployed: the API (HTTP only), the worker (room ticker, sweeper), ROOM_BENCH_REALTIME
 * realtime processes, a watchers' process (room-watchers.ts) with one socket per member, and this
 * process as the members' and bots' HTTP clients. ROOM_BENCH_MEMBERS join the pre-queue (challenge,
 * solving, proof: room-joins.ts, beside the floor of two trivial requests) while the watchers watch; at the sale
 * start the draw seals; admitted members buy one unit each and pay (ROOM_BENCH_PAY_SHARE; the rest
 * abandon their hold), ROOM_BENCH_BOTS that never joined fire purchases all along. Then: purchase
 * throughput with the admission check ÷ without, and the tick's Redis cost and memory at
 * ROOM_BENCH_TICK_SIZES queued members (tickets written straight into Redis).
 * Prints and writes bench/results/<date>-room.json.
 */
import 'reflect-metadata';
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { ensureDatabase } from '../src/cli/database';
import { createOrm, migrateUp } from '../src/clients/orm';
import { createMemoryPubSub } from '../src/clients/pubsub';
import { createRedis, deleteKeys } from '../src/clients/redis';
import { loadConfig } from '../src/config';
import { TokenService } from '../src/services/members/token.service';
import { commitOf } from '../src/services/sale/fair-order';
import { SaleStore } from '../src/services/sale/sale-store';
import { saleKeys } from '../src/services/sale/sale-keys';
import { createBenchMembers } from './fixtures';
import {
  ask,
  BUY,
  gql,
  PAY,
  pct,
  pool,
  sleep,
  startRole,
  waitReady,
  type AddProduct,
} from './room-helpers';
import { joinPhase } from './room-joins';
import { throughput, tickCost } from './room-phases';

const num = (name: string, def: number) => Number(process.env[name] ?? def);
const MEMBERS = num('ROOM_BENCH_MEMBERS', 20_000);
const BOTS = num('ROOM_BENCH_BOTS', 2_000);
const UNITS = num('ROOM_BENCH_UNITS', 500);
const REALTIME = num('ROOM_BENCH_REALTIME', 2);
const JOIN_SECONDS = num('ROOM_BENCH_JOIN_SECONDS', 60);
const HOLD_SECONDS = num('ROOM_BENCH_HOLD_SECONDS', 120);
const PAY_SHARE = num('ROOM_BENCH_PAY_SHARE', 0.8);
const TIMEOUT_S = num('ROOM_BENCH_TIMEOUT_SECONDS', 900);
const THROUGHPUT_SECONDS = num('ROOM_BENCH_THROUGHPUT_SECONDS', 10);
const TICK_SIZES = (process.env.ROOM_BENCH_TICK_SIZES ?? '1000,100000,1000000')
  .split(',')
  .map(Number);
const PORT = num('BENCH_PORT', 4520);
const ns = process.env.TEST_NAMESPACE ?? 'x';
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  HTTP_HOST: '127.0.0.1',
  JWT_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MYSQL_DATABASE: `rm_bench_room_${ns}`,
  REDIS_KEY_PREFIX: `bench-room-${ns}:`,
  KAFKA_TOPIC_PREFIX: `bench.room.${ns}.${Date.now()}.`,
  KAFKA_GROUP_PREFIX: `bench-room-${ns}`,
  WS_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
  // Every watcher is anonymous: the per-process cap on anonymous sockets would refuse some.
  WS_MAX_ANONYMOUS_CONNECTIONS: '0',
  PAYMENT_LATENCY_MS: '0',
  ROOM_POW_BASE_COST: '10',
  ROOM_POW_CHALLENGES_PER_MINUTE: '1000000',
  SALE_MEMBER_PURCHASES_PER_MINUTE: '1000000',
  SALE_MAX_OPEN_HOLDS: '1000000',
};
let keySeq = 0;

async function main() {
  const config = loadConfig({ ...process.env, ...env });
  await ensureDatabase(config.mysql, { recreate: true });
  const orm = await createOrm(config.mysql);
  await migrateUp(orm);
  await orm.close(true);
  const redis = createRedis(config.redis, 'bench');
  await redis.connect();
  await deleteKeys(redis, `${config.redis.keyPrefix}*`);
  const store = new SaleStore(redis, config.redis.keyPrefix);
  const db = await createConnection({ ...config.mysql, database: config.mysql.dbName });
  const tokens = new TokenService(config.auth, redis, createMemoryPubSub());
  const members = await createBenchMembers(db, tokens, MEMBERS, 'm');
  const bots = await createBenchMembers(db, tokens, BOTS, 'b');
  const addProduct: AddProduct = async (stock, startsAt, limit, room) => {
    const [res] = await db.query<{ insertId: number } & never[]>(
      'insert into products (created_at, updated_at, name, description, price, stock, sale_starts_at, purchase_limit) values (now(3), now(3), ?, ?, 100, ?, ?, ?)',
      ['Bench drop', '', stock, startsAt, limit],
    );
    const id = (res as unknown as { insertId: number }).insertId;
    if (room) {
      const seed = randomBytes(32).toString('hex');
      await db.query(
        'insert into waiting_rooms (product_id, mode, pre_queue_opens_at, admission_seconds, hold_seconds, max_admit_per_second, seed, seed_commit, created_at, updated_at) values (?, ?, ?, ?, ?, 200, ?, ?, now(3), now(3))',
        [
          id,
          'FIFO',
          room.preQueue ? new Date(Date.now() - 1000) : null,
          room.admission,
          room.hold,
          seed,
          commitOf(id, seed),
        ],
      );
    }
    return id;
  };
  // The pre-queue window starts once every process is up (set again below).
  let startsAt = new Date(Date.now() + 3_600_000);
  const productId = await addProduct(UNITS, startsAt, 1, {
    preQueue: true,
    hold: HOLD_SECONDS,
    admission: 90,
  });

  const api = startRole(env, 'api', PORT, { API_SERVES_WEBSOCKETS: 'false' });
  const worker = startRole(env, 'worker', PORT + 1);
  const realtimes = Array.from({ length: REALTIME }, (_, i) =>
    startRole(env, 'realtime', PORT + 10 + i),
  );
  const watchers = fork(join(__dirname, 'room-watchers.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    members: MEMBERS,
    bots: BOTS,
    units: UNITS,
    realtimeProcesses: REALTIME,
  };
  try {
    for (const port of [PORT, PORT + 1, ...realtimes.map((_, i) => PORT + 10 + i)])
      await waitReady(port);
    startsAt = new Date(Date.now() + JOIN_SECONDS * 1000);
    await db.query('update products set sale_starts_at = ? where id = ?', [startsAt, productId]);
    const opened = await ask<{ open: number }>(
      watchers,
      { cmd: 'start', ports: realtimes.map((_, i) => PORT + 10 + i), productId, watchers: MEMBERS },
      'started',
    );
    result.watchersOpen = opened.open;
    // Joins (challenge, then proof), as fast as 64 clients go, after the two-request floor.
    Object.assign(result, await joinPhase(PORT, productId, members, redis, api.pid));
    if (Date.now() > startsAt.getTime()) result.warning = 'joins outlasted the pre-queue window';
    // Bots fire from just before the start until the end.
    let ended = false;
    const botResults = new Map<string, number>();
    const botLoop = pool(bots, 32, async (b) => {
      while (!ended) {
        const r = await gql(
          PORT,
          BUY,
          { i: { productId: String(productId), idempotencyKey: `b${++keySeq}` } },
          b.token,
        );
        const kind = r.data?.purchase?.__typename ?? 'error';
        botResults.set(kind, (botResults.get(kind) ?? 0) + 1);
        await sleep(20);
      }
    });
    while (Date.now() < startsAt.getTime()) await sleep(100);
    const saleStart = Date.now();
    const k = saleKeys(productId);
    await waitFor(async () => (await redis.hget(k.room, 'sealed')) === '1', 60_000);
    const tickets = new Map(members.map((m) => [m.userId, 0]));
    for (const [member, t] of Object.entries(await redis.hgetall(k.roomTickets)))
      if (/^\d+$/.test(member) && /^\d+$/.test(t)) tickets.set(Number(member), Number(t));
    const order = [...members].sort((a, b) => tickets.get(a.userId)! - tickets.get(b.userId)!);
    let next = 0,
      reserved = 0,
      lastUnitAt = 0,
      allInCartsAt = 0,
      soldOutAt = 0;
    const ids: string[] = [];
    const buying = new Set<Promise<void>>();
    // Members admitted over time (docs/charts/room-admission.svg), one sample a second at most.
    const admission: { seconds: number; admitted: number }[] = [];
    while (Date.now() - saleStart < TIMEOUT_S * 1000) {
      const [served, state] = await redis.hmget(k.room, 'served', 'state');
      const seconds = Math.floor((Date.now() - saleStart) / 1000);
      if (admission.at(-1)?.seconds !== seconds)
        admission.push({ seconds, admitted: Number(served ?? 0) });
      if (state === 'ALL_IN_CARTS' && !allInCartsAt) allInCartsAt = Date.now() - saleStart;
      if (state === 'SOLD_OUT') {
        soldOutAt = Date.now() - saleStart;
        break;
      }
      while (next < order.length && tickets.get(order[next]!.userId)! <= Number(served ?? 0)) {
        const m = order[next++]!;
        const p = (async () => {
          const r = (
            await gql(
              PORT,
              BUY,
              { i: { productId: String(productId), idempotencyKey: 'one' } },
              m.token,
            )
          ).data?.purchase;
          if (r?.__typename !== 'Reservation') return;
          ids.push(r.id!);
          if (++reserved === UNITS) lastUnitAt = Date.now();
          if (Math.random() < PAY_SHARE)
            await gql(PORT, PAY, { i: { reservationId: r.id } }, m.token);
        })();
        buying.add(p);
        void p.finally(() => buying.delete(p));
        if (buying.size >= 64) await Promise.race(buying);
      }
      await sleep(50);
    }
    ended = true;
    await botLoop;
    await sleep(2000);
    const report = await ask<{ delays: number[]; allInCartsAt: number[]; soldOutAt: number[] }>(
      watchers,
      { cmd: 'report' },
      'report',
    );
    const unadmitted = (
      await Promise.all(
        ids.map((id) => redis.hget(saleKeys(productId).reservation(id), 'admission')),
      )
    ).filter((a) => !a).length;
    let drawVerifies: boolean | string = 'not closed';
    if (soldOutAt) {
      try {
        execFileSync('node', [
          join(__dirname, '../../scripts/verify-draw.mjs'),
          String(productId),
          `http://127.0.0.1:${PORT}/graphql`,
        ]);
        drawVerifies = true;
      } catch {
        drawVerifies = false;
      }
    }
    Object.assign(result, {
      unitsBoughtByBots: botResults.get('Reservation') ?? 0,
      botResults: Object.fromEntries(botResults),
      purchasesWithoutAdmission: unadmitted,
      drawVerifies,
      frameDelayMs: {
        p50: pct(report.delays, 50),
        p99: pct(report.delays, 99),
        frames: report.delays.length,
      },
      allInCartsDeliveryMs: {
        p99: lastUnitAt
          ? pct(
              report.allInCartsAt.map((t) => t - lastUnitAt),
              99,
            )
          : null,
        watchers: report.allInCartsAt.length,
      },
      soldOutSpreadMs: {
        p99: pct(
          report.soldOutAt.map((t) => t - Math.min(...report.soldOutAt)),
          99,
        ),
        watchers: report.soldOutAt.length,
      },
      secondsUntilAllInCarts: allInCartsAt / 1000,
      admission,
      secondsUntilSoldOut: soldOutAt ? soldOutAt / 1000 : null,
    });
    result.throughput = await throughput(
      PORT,
      addProduct,
      members.slice(0, 64),
      redis,
      THROUGHPUT_SECONDS,
    );
  } finally {
    watchers.send({ cmd: 'stop' });
    for (const c of [api, worker, ...realtimes]) c.kill('SIGTERM');
  }
  // The tick's cost with no server running (nothing else calls scripts meanwhile).
  await sleep(2000);
  result.tick = await tickCost(addProduct, store, config.redis, TICK_SIZES);
  await db.end();
  await deleteKeys(redis, `${config.redis.keyPrefix}*`);
  redis.disconnect();
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(__dirname, '../../bench/results'), { recursive: true });
  const file =
    process.env.ROOM_RESULTS_FILE ??
    join(__dirname, `../../bench/results/${result.date!.toString().slice(0, 10)}-room.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number) {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100))
    if (await probe()) return;
  throw new Error('timed out');
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
