import type { WaitingRoomMode } from '../../entities/waiting-room.entity';
import type { RoomPow } from './room-pow';

/** How a room orders its line: first come first served, or a raffle of pre-queue entries. */
export type RoomMode = 'FIFO' | 'RAFFLE';

export type RoomState =
  'SCHEDULED' | 'PREQUEUE' | 'SEALING' | 'OPEN' | 'ALL_IN_CARTS' | 'SOLD_OUT' | 'ENDED' | 'PAUSED';

/** A room's settings as the sale store keeps them. */
export interface RoomConfig {
  mode: RoomMode;
  preQueueOpensAt: Date | null;
  startsAt: Date | null;
  endsAt: Date | null;
  admissionSeconds: number;
  graceSeconds: number;
  holdSeconds: number;
  maxAdmitPerTick: number;
  payRate: number;
  fMax: number;
  pausedReason: string | null;
  /** The per-member limit (RAFFLE admits no more members than can each buy it). */
  purchaseLimit: number;
  /** The draw's public commitment to its seed (a pre-queue entry's receipt shows it). */
  seedCommit: string;
}

/** One waiting-room frame as room-tick.lua publishes it (times in epoch ms). */
export interface RoomFrame {
  productId: number;
  version: number;
  state: RoomState;
  mode: RoomMode;
  serverTime: number;
  preQueueOpensAt?: number;
  opensAt?: number;
  endsAt?: number;
  servedThrough: number;
  lastTicket: number;
  queueLength: number;
  remaining: number;
  inCarts: number;
  cutoffTicket?: number;
  nextReturnAt?: number;
  admitPerMinute: number;
  admitPerMinuteLow: number;
  admitPerMinuteHigh: number;
  admissionSeconds: number;
  holdSeconds: number;
  pausedReason?: string;
  /** Pre-queue entries so far; after the seal, N. */
  entrants: number;
  /** After the seal: the root of the frozen entries (fair-order.ts). */
  entriesRoot?: string;
  /** Chain hash of the late joins so far. */
  lateHash?: string;
  /** A state change: sent at once, whatever the realtime send budget. */
  urgent: boolean;
}

export type TickReply =
  | { status: 'FRAME'; frame: RoomFrame; admitted: number; lapsed: number }
  | { status: 'SAME'; state: string; admitted: number; lapsed: number }
  | { status: 'LOCKED' | 'MISSING' | 'NO_STOCK' };

export type JoinReply =
  | { status: 'EXISTS' | 'TICKET'; ticket: number; servedThrough: number }
  | { status: 'CLOSED'; reason: string }
  | { status: 'ENTERED'; entryId: string; entrants: number; seedCommit: string | null }
  | { status: 'NEED_PROOF'; queueLength: number }
  | { status: 'REPLAY' | 'NO_ROOM' | 'NO_STOCK' };

/** Frames the realtime hub sends at once, whatever its send budget: state changes and final ones. */
export function isUrgentFrame(frame: Pick<RoomFrame, 'urgent' | 'state'>): boolean {
  return frame.urgent || frame.state === 'SOLD_OUT' || frame.state === 'ENDED';
}

/** An admin's room settings; omitted fields keep their value (or the configured default). */
export interface RoomSettings {
  mode?: WaitingRoomMode | null;
  preQueueOpensAt?: Date | null;
  admissionSeconds?: number | null;
  holdSeconds?: number | null;
  maxAdmitPerSecond?: number | null;
}

export type JoinOutcome =
  | { kind: 'ticket'; ticket: number; servedThrough: number; existing: boolean }
  | { kind: 'entered'; entryId: string; entrants: number; seedCommit: string | null }
  | { kind: 'closed'; reason: string }
  | { kind: 'challenge'; challenge: Awaited<ReturnType<RoomPow['mint']>> }
  | { kind: 'proofFailed'; reason: string };
