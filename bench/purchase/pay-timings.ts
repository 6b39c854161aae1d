/** What bounds a pay round: the API's own timings of `pay` (from /metrics) against a client's cycle. */
import { cpus } from 'node:os';
import { seriesValue } from '../../src/http/metrics';
import { METRICS_TOKEN } from '../lib/setup';
import { cycleOf, type Blast } from './blast';
import { config, PORT } from './context';

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
export type PayTimings = Record<PayTiming, { sum: number; count: number }>;

/** The sum and count of each `pay` timing in the API's `/metrics` now (zero before the first). */
export async function payTimings(): Promise<PayTimings> {
  const text = await (
    await fetch(`http://127.0.0.1:${PORT}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    })
  ).text();
  return Object.fromEntries(
    Object.entries(PAY_TIMINGS).map(([name, [histogram, labels]]) => {
      const read = (part: string) => seriesValue(text, `${histogram}_${part}{${labels}}`) ?? 0;
      return [name, { sum: read('sum'), count: read('count') }];
    }),
  ) as PayTimings;
}

/** Mean milliseconds of each `pay` timing between two readings. */
export function meanMs(before: PayTimings, after: PayTimings): Record<PayTiming, number> {
  return Object.fromEntries(
    (Object.keys(PAY_TIMINGS) as PayTiming[]).map((k) => {
      const count = after[k].count - before[k].count;
      const ms = count > 0 ? ((after[k].sum - before[k].sum) * 1000) / count : 0;
      return [k, Number(ms.toFixed(1))];
    }),
  ) as Record<PayTiming, number>;
}

/**
 * What bounds a pay round. Each client pays one reservation at a time, so a round runs at
 * clients ÷ cycle, and a cycle is the provider's latency plus our own time (the server's steps
 * and their queueing, and the client's): `ceilingRps` is the rate with no time of our own.
 * `apiCoreBusy` is the API process's share of one core, `machineBusy` the machine's share of all
 * its cores, during the blast.
 */
export function payLimits(pay: Blast, clients: number, timings: ReturnType<typeof meanMs>) {
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
