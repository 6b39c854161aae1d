import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the waiting rooms. */
export function createRoomMetrics(registry: Registry) {
  return {
    joins: new Counter({
      name: 'room_joins_total',
      help: 'joinWaitingRoom answers by result (ticket, existing, closed, challenge, replay)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    admitted: new Counter({
      name: 'room_admitted_total',
      help: 'Tickets admitted by room ticks',
      registers: [registry],
    }),
    notAdmitted: new Counter({
      name: 'room_not_admitted_total',
      help: 'Purchases refused because the member was not admitted (or the admission expired)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    admittedNotBought: new Counter({
      name: 'room_admitted_not_bought_total',
      help: 'Admitted members whose admission window ended without a reservation',
      registers: [registry],
    }),
    ticks: new Counter({
      name: 'room_ticks_total',
      help: 'Room ticks run by this process, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    tickSeconds: new Histogram({
      name: 'room_tick_seconds',
      help: 'Time of one room tick (script round trip)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
    queueLength: new Gauge({
      name: 'room_queue_length',
      help: 'Members waiting in a room at its last frame',
      labelNames: ['product'] as const,
      registers: [registry],
    }),
  };
}

export type RoomMetrics = ReturnType<typeof createRoomMetrics>;
