import type { RoomFrame } from './room.types';

/**
 * Pure maths of a waiting room, shared by the service, the storefront and the tests. The Lua tick
 * (room-tick.lua) is the authority; `admitCount` mirrors its rule for the unit tests and the docs.
 */

/** A ticket's place in line: 0 once admitted. */
export function positionOf(ticket: number, servedThrough: number): number {
  return Math.max(0, ticket - servedThrough);
}

/**
 * An honest wait range in seconds for `position`, from the frame's slow and fast admission rates
 * (per minute): [position / high, position / low]. Null bounds mean "no estimate" (no one has
 * been admitted lately); the upper bound is null when the slower rate is 0.
 */
export function waitRange(
  position: number,
  frame: Pick<RoomFrame, 'admitPerMinuteLow' | 'admitPerMinuteHigh'>,
): { minSeconds: number | null; maxSeconds: number | null } {
  if (position <= 0) return { minSeconds: 0, maxSeconds: 0 };
  const { admitPerMinuteLow: low, admitPerMinuteHigh: high } = frame;
  return {
    minSeconds: high > 0 ? Math.floor((position / high) * 60) : null,
    maxSeconds: low > 0 ? Math.ceil((position / low) * 60) : null,
  };
}

/**
 * How many tickets one tick admits: clamp(ceil(f·S) − P, 0, maxPerTick, waiting), with
 * f = clamp(1 / rhat, 1, fMax). S: free units; P: admitted members younger than the grace period
 * who have not reserved yet; rhat: smoothed share of admitted members who reserved.
 */
export function admitCount(args: {
  free: number;
  pendingFresh: number;
  rhat: number;
  fMax: number;
  maxPerTick: number;
  waiting: number;
}): number {
  const f = Math.min(args.fMax, Math.max(1, 1 / Math.max(args.rhat, 0.01)));
  if (args.free <= 0) return 0;
  return Math.max(
    0,
    Math.min(Math.ceil(f * args.free) - args.pendingFresh, args.maxPerTick, args.waiting),
  );
}

/** Tickets per tick for an admission cap per second. */
export function perTick(maxAdmitPerSecond: number, tickMs: number): number {
  return Math.max(1, Math.round((maxAdmitPerSecond * tickMs) / 1000));
}
