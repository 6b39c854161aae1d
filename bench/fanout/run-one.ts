/** One fan-out run: W watchers on a product while its units are bought, then the bare floor. */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { Connection } from 'mysql2/promise';
import { postGraphql } from '../fixtures';
import { processCpu, processRssMiB, stopChild, waitReady } from '../lib/proc';
import { createProduct } from '../lib/setup';
import { quantile, sum } from '../lib/stats';
import { ask, helper, sourceAddresses, startRole } from './children';
import {
  API_PORT,
  BARE_FRAMES,
  BARE_PORT,
  BUYERS,
  now,
  PURCHASE,
  REALTIME_PORT,
  SOCKETS_PER_PROCESS,
  SOLD_OUT_TIMEOUT_MS,
  TOPOLOGY,
  UNITS,
} from './settings';
import type { WatcherStats } from './watchers';

const agent = new http.Agent({ keepAlive: true, maxSockets: BUYERS });

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

export async function runOne(
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
  const productId = await createProduct(db, UNITS, 'Fan-out rocket');
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
  await Promise.all(realtime.map(stopChild));

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
