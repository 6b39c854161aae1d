import { createKafka } from './kafka';

// kafkajs' own RequestQueue, as createKafka leaves it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};

const logger = { debug: () => undefined, child: () => logger };

describe('kafkajs request queue (fixed by createKafka)', () => {
  createKafka(
    { brokers: ['127.0.0.1:1'], clientId: 't' } as never,
    { child: () => ({ warn: () => undefined }) } as never,
  );
  const queue = () =>
    new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      clientId: 't',
      broker: 'b',
      logger,
    });

  it('arms no timer, and none with a negative delay, when nothing waits', () => {
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      const q = queue();
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
      for (const [, delay] of timers.mock.calls) expect(delay).toBeGreaterThanOrEqual(0);
    } finally {
      timers.mockRestore();
    }
  });

  it('checks waiting requests when the client-side throttle ends', () => {
    const timers = jest.spyOn(global, 'setTimeout');
    try {
      const q = queue();
      q.pending.push({});
      q.throttledUntil = Date.now() + 500;
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).not.toBeNull();
      const delay = timers.mock.calls.at(-1)?.[1] as number;
      expect(delay).toBeGreaterThan(400);
      expect(delay).toBeLessThanOrEqual(500);
      q.destroy();
    } finally {
      timers.mockRestore();
    }
  });
});
