import { describe, expect, it } from '@jest/globals';
import { admitCount, perTick, positionOf, waitRange } from './room-maths';

describe('room maths', () => {
  it('admits up to f·S minus fresh unused admissions, within the caps', () => {
    const base = { free: 10, pendingFresh: 0, rhat: 1, fMax: 2, maxPerTick: 200, waiting: 1000 };
    expect(admitCount(base)).toBe(10);
    // Half the admitted members reserved lately: overbook up to fMax.
    expect(admitCount({ ...base, rhat: 0.5 })).toBe(20);
    expect(admitCount({ ...base, rhat: 0.1 })).toBe(20);
    expect(admitCount({ ...base, pendingFresh: 7 })).toBe(3);
    expect(admitCount({ ...base, pendingFresh: 30 })).toBe(0);
    expect(admitCount({ ...base, maxPerTick: 4 })).toBe(4);
    expect(admitCount({ ...base, waiting: 2 })).toBe(2);
    expect(admitCount({ ...base, free: 0 })).toBe(0);
  });

  it('gives a position and an honest wait range from the slow and fast rates', () => {
    expect(positionOf(50, 20)).toBe(30);
    expect(positionOf(10, 20)).toBe(0);
    expect(waitRange(30, { admitPerMinuteLow: 30, admitPerMinuteHigh: 60 })).toEqual({
      minSeconds: 30,
      maxSeconds: 60,
    });
    expect(waitRange(0, { admitPerMinuteLow: 0, admitPerMinuteHigh: 0 })).toEqual({
      minSeconds: 0,
      maxSeconds: 0,
    });
    expect(waitRange(5, { admitPerMinuteLow: 0, admitPerMinuteHigh: 10 })).toEqual({
      minSeconds: 30,
      maxSeconds: null,
    });
  });

  it('turns an admission cap per second into tickets per tick', () => {
    expect(perTick(200, 1000)).toBe(200);
    expect(perTick(200, 200)).toBe(40);
    expect(perTick(1, 100)).toBe(1);
  });
});
