/** The purchase benchmark's results file and printed summary. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { RESULTS_DIR } from '../lib/paths';
import { count } from '../lib/setup';
import type { payFloors, PayRound } from './pay-runs';
import { ordersPerSecond } from './pay-runs';
import { payLimits } from './pay-timings';
import type { Bench, flashSale, purchaseRatio } from './sale-runs';
import { CONNECTIONS, config, MANY_CLIENTS, MEMBERS, ORIGINAL_TPS, SPLIT } from './context';

export interface Runs {
  run1: Awaited<ReturnType<typeof flashSale>>;
  ratio: Awaited<ReturnType<typeof purchaseRatio>>;
  rounds: PayRound[];
  middle: PayRound;
  lags: number[];
  stock2: number;
  many: PayRound;
  floors: Awaited<ReturnType<typeof payFloors>>;
  redisCluster?: { clusterToSingleRatio: number } & Record<string, unknown>;
}

/** The results object, in the shape every `bench/results/*-purchase.json` has. */
export async function purchaseResult(bench: Bench, r: Runs) {
  const { middle, lags, many } = r;
  const lag = (q: number) =>
    Number(Number(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]).toFixed(1));
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    },
    setup: {
      members: MEMBERS,
      connections: CONNECTIONS,
      paymentLatencyMs: config.payment.latencyMs,
      processes: SPLIT
        ? 'API process + worker process (order writer, sweeper, relay); load generator in a third'
        : 'one API+workers process; load generator in another',
    },
    original: { tps: ORIGINAL_TPS },
    run1: r.run1,
    run2: {
      units: MEMBERS,
      purchase: {
        totalSeconds: middle.held.seconds,
        tps: middle.held.rps,
        latencyMs: middle.held.latencyMs,
        cpuMsPerRequest: middle.held.cpuMsPerRequest,
      },
      ratio: r.ratio.summary,
      purchaseToTypenameRatio: Number(r.ratio.ratio.toFixed(3)),
      pay: {
        paid: middle.paid,
        failed: MEMBERS - middle.paid,
        totalSeconds: middle.pay.seconds,
        rps: middle.pay.rps,
        latencyMs: middle.pay.latencyMs,
        cpuMsPerRequest: middle.pay.cpuMsPerRequest,
        limits: payLimits(middle.pay, CONNECTIONS, middle.timings),
        // The same clients against servers whose pay only waits the provider's latency.
        floors: r.floors,
        // Every round, in order; the figures above are the median round's.
        rounds: await Promise.all(
          r.rounds.map(async (round) => ({
            rps: round.pay.rps,
            paid: round.paid,
            ordersInMysql: await count(
              bench.db,
              'select count(*) from order_items where product_id = ?',
              [round.productId],
            ),
            machineCpuMsPerPaidOrder: round.paidOrderCpu.machine,
          })),
        ),
      },
      ordersInMysql: lags.length,
      mysqlStockAfter: r.stock2,
      oversell: Math.max(0, lags.length - MEMBERS),
      paidToOrderLagMs: { p50: lag(0.5), p95: lag(0.95), p99: lag(0.99), max: lag(0.9999) },
      ordersPerSecond: await ordersPerSecond(bench, middle.productId, lags.length),
      payStartToLastOrderSeconds: Number(middle.writeSeconds.toFixed(2)),
      // Pay blast and order writing together (MySQL is the machine's server: on a shared machine
      // it includes other clients' work).
      cpuMsPerPaidOrder: middle.paidOrderCpu,
      payWithManyClients: {
        clients: MANY_CLIENTS,
        paid: many.paid,
        rps: many.pay.rps,
        latencyMs: many.pay.latencyMs,
        ordersPerSecond: await ordersPerSecond(bench, many.productId, many.paid),
        cpuMsPerPaidOrder: many.paidOrderCpu,
        limits: payLimits(many.pay, MANY_CLIENTS, many.timings),
      },
    },
    ...(r.redisCluster && { redisCluster: r.redisCluster }),
  };
}

type Result = Awaited<ReturnType<typeof purchaseResult>>;

/**
 * Writes bench/results/<date>-purchase.json (`BENCH_RESULTS_FILE` to change, e.g. to keep runs
 * on two runtimes apart); returns its path.
 */
export function writeResult(result: Result): string {
  const file =
    process.env.BENCH_RESULTS_FILE ??
    join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}-purchase.json`);
  // The file's own folder: a BENCH_RESULTS_FILE elsewhere may not exist yet.
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The summary printed after the results. */
export function summary(result: Result, r: Runs, file: string): string {
  const { run1, run2 } = result;
  const { middle, many, floors } = r;
  const pay2 = middle.pay;
  return (
    `\npurchase tps ${run1.tps} (original ${ORIGINAL_TPS}, ×${(run1.tps / ORIGINAL_TPS).toFixed(1)}), ` +
    `p99 ${run1.latencyMs.p99} ms, oversell ${run1.oversell}; run 2: ratio ${run2.purchaseToTypenameRatio}, ` +
    `lag p99 ${run2.paidToOrderLagMs.p99} ms, ${run2.ordersPerSecond} orders/s\n` +
    `pay ${pay2.rps}/s (median of ${r.rounds.map((x) => x.pay.rps).join(', ')}; ${middle.paid} paid, p50 ${pay2.latencyMs.p50} ms, p99 ${pay2.latencyMs.p99} ms); CPU ms per paid order: ` +
    `${Object.entries(middle.paidOrderCpu)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n` +
    `pay with ${MANY_CLIENTS} clients ${many.pay.rps}/s (${many.paid} paid, p50 ${many.pay.latencyMs.p50} ms), ` +
    `${run2.payWithManyClients.ordersPerSecond} orders/s, machine CPU ms per paid order ${many.paidOrderCpu.machine}\n` +
    [run2.pay.limits, run2.payWithManyClients.limits]
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
    `\nwrote ${file}`
  );
}
