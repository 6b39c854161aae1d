import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (its own registry, so several can share a process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Labels come from the schema (the first root field), never from client-chosen operation
  // names, so their number is bounded.
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by root field, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      const end = duration.startTimer();
      return {
        async willSendResponse({ operation, errors }) {
          const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          const labels = {
            operation: first?.kind === Kind.FIELD ? first.name.value : 'none',
            type: operation?.operation ?? 'unknown',
          };
          end(labels);
          operations.inc({ ...labels, outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
  return { registry, plugin };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The value of one series (`name` or `name{labels}`, exactly as exposed) in `/metrics` text;
 * undefined when it is not there yet.
 */
export function seriesValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
