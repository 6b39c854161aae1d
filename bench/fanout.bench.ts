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
 *
 * The parts: settings (fanout/settings.ts), the child processes (fanout/children.ts), the
 * watchers' client (fanout/watchers.ts), the bare server (fanout/bare.ts) and one run
 * (fanout/run-one.ts). Forked with `watchers` or `bare` as its argument, this file is that child.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../src/config';
import { bareProcess } from './fanout/bare';
import { startRole } from './fanout/children';
import { runOne } from './fanout/run-one';
import {
  API_PORT,
  BUYERS,
  env,
  SOCKETS_PER_ADDRESS,
  SOCKETS_PER_PROCESS,
  TOPOLOGY,
  UNITS,
  WATCHERS,
} from './fanout/settings';
import { watcherProcess } from './fanout/watchers';
import { createBenchMembers } from './fixtures';
import { RESULTS_DIR } from './lib/paths';
import { stopChild, waitReady } from './lib/proc';
import { freshState } from './lib/setup';

const stamp = new Date().toISOString().slice(0, 10);

async function main() {
  const config = loadConfig({ ...process.env, ...env });
  const { db, redis, tokens } = await freshState(config);
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
    await stopChild(api);
    await db.end();
    redis.disconnect();
  }

  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
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
  const file = process.env.FANOUT_RESULTS_FILE ?? join(RESULTS_DIR, `${stamp}-fanout.json`);
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
