import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the websocket server, labelled with the process's role. */
export function createRealtimeMetrics(registry: Registry, role: string) {
  const labels = { role };
  const sockets = new Gauge({
    name: 'realtime_sockets_open',
    help: 'Open websockets',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: 'realtime_subscriptions_open',
    help: 'Open subscriptions: public (fanned out per frame) or member (per subscriber)',
    labelNames: ['role', 'kind'] as const,
    registers: [registry],
  });
  const framesSent = new Counter({
    name: 'realtime_frames_sent_total',
    help: 'Public frames written to sockets',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const bytesSent = new Counter({
    name: 'realtime_bytes_sent_total',
    help: 'Bytes of public frames written to sockets',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const executions = new Counter({
    name: 'realtime_frame_executions_total',
    help: 'GraphQL executions of public frames (one per operation group per frame)',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const fanoutDelay = new Histogram({
    name: 'realtime_fanout_delay_seconds',
    help: 'From a frame arriving over Redis to its last socket write (budget spacing included)',
    labelNames: ['role'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'realtime_refusals_total',
    help: 'Connections and subscriptions refused or closed by a limit, by reason',
    labelNames: ['role', 'reason'] as const,
    registers: [registry],
  });
  return {
    sockets: { inc: () => sockets.inc(labels), dec: () => sockets.dec(labels) },
    subscriptions: {
      inc: (l: { kind: string }) => subscriptions.inc({ ...labels, ...l }),
      dec: (l: { kind: string }) => subscriptions.dec({ ...labels, ...l }),
    },
    framesSent: { inc: (n: number) => framesSent.inc(labels, n) },
    bytesSent: { inc: (n: number) => bytesSent.inc(labels, n) },
    executions: { inc: () => executions.inc(labels) },
    fanoutDelay: { observe: (s: number) => fanoutDelay.observe(labels, s) },
    refused: { inc: (reason: string) => refused.inc({ ...labels, reason }) },
  };
}

export type RealtimeMetrics = ReturnType<typeof createRealtimeMetrics>;
