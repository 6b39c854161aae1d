import { backoffMs } from './outbox-relay';

describe('outbox backoff', () => {
  it('waits base·2^(n−1) after the n-th failure, capped', () => {
    const rule = { baseMs: 500, maxMs: 5_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, rule))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect(backoffMs(0, rule)).toBe(500);
    expect(backoffMs(10_000, { baseMs: 1000, maxMs: 60_000 })).toBe(60_000);
  });
});
