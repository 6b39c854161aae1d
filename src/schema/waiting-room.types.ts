import { Field, Float, ID, Int, ObjectType, createUnionType, registerEnumType } from 'type-graphql';
import { WaitingRoomMode } from '../entities/waiting-room.entity';
import type { RoomFrame } from '../services/sale/room.types';
import { ErrorResult } from './error-result';
import { ChallengeFailedError, ChallengeRequired } from './waiting-room-pow.types';

export enum WaitingRoomState {
  SCHEDULED = 'SCHEDULED',
  PREQUEUE = 'PREQUEUE',
  SEALING = 'SEALING',
  OPEN = 'OPEN',
  ALL_IN_CARTS = 'ALL_IN_CARTS',
  SOLD_OUT = 'SOLD_OUT',
  ENDED = 'ENDED',
  PAUSED = 'PAUSED',
}
registerEnumType(WaitingRoomState, {
  name: 'WaitingRoomState',
  valuesConfig: {
    SCHEDULED: { description: 'Not open for joining yet.' },
    PREQUEUE: {
      description: 'Entries before the sale starts (the draw orders them); nobody is admitted yet.',
    },
    SEALING: { description: 'The sale started: the entries are frozen and being ordered.' },
    OPEN: { description: 'Admitting members while free units remain.' },
    ALL_IN_CARTS: {
      description: 'No free unit, but some are held in carts and may come back (see cutoffTicket).',
    },
    SOLD_OUT: { description: 'Final: no free unit and no hold left.' },
    ENDED: { description: 'Final: the sale window is over.' },
    PAUSED: { description: 'An operator paused the room; pausedReason says why.' },
  },
});

@ObjectType({
  description:
    'One frame of a waiting room, the same for every watcher: each client computes its own position as ticket − servedThrough.',
})
export class WaitingRoomFrame {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int, { description: 'Only grows; a gap or a lower value after reconnect: refetch.' })
  version!: number;

  @Field(() => WaitingRoomState)
  state!: WaitingRoomState;

  @Field(() => WaitingRoomMode)
  mode!: WaitingRoomMode;

  @Field(() => Date, { description: 'Redis time of the frame.' })
  serverTime!: Date;

  @Field(() => Date, { nullable: true })
  preQueueOpensAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'The sale start (admission starts then).' })
  opensAt?: Date | null;

  @Field(() => Int, { description: 'Every ticket up to this one is admitted.' })
  servedThrough!: number;

  @Field(() => Int, { description: 'The last ticket given out.' })
  lastTicket!: number;

  @Field(() => Int, { description: 'Members still waiting (left members excluded).' })
  queueLength!: number;

  @Field(() => Int, { description: 'Free units.' })
  remaining!: number;

  @Field(() => Int, { description: 'Units held in carts (unpaid reservations).' })
  inCarts!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'ALL_IN_CARTS: tickets above this are unlikely to be served (every unit is in a cart; only unpaid holds can come back).',
  })
  cutoffTicket?: number | null;

  @Field(() => Date, { nullable: true, description: 'ALL_IN_CARTS: the earliest hold expiry.' })
  nextReturnAt?: Date | null;

  @Field(() => Float, { description: 'Smoothed admissions per minute.' })
  admitPerMinute!: number;

  @Field(() => Float, {
    description:
      'Lower and upper recent admission rates: a wait range is position ÷ admitPerMinuteHigh … position ÷ admitPerMinuteLow minutes.',
  })
  admitPerMinuteLow!: number;

  @Field(() => Float)
  admitPerMinuteHigh!: number;

  @Field(() => Int, { description: 'How long an admitted member has to start a purchase.' })
  admissionSeconds!: number;

  @Field(() => Int, { description: 'How long a reservation made through the room holds.' })
  holdSeconds!: number;

  @Field(() => String, { nullable: true })
  pausedReason?: string | null;

  @Field({ description: 'This frame changed the state (sent at once).' })
  urgent!: boolean;

  @Field(() => Int, { description: 'Pre-queue entries so far; after the seal, N.' })
  entrants!: number;

  @Field(() => String, { nullable: true, description: 'After the seal: root of the entries.' })
  entriesRoot?: string | null;

  @Field(() => String, { nullable: true, description: 'Chain hash of the late joins so far.' })
  lateHash?: string | null;
}

const date = (ms: number | undefined) => (ms == null ? null : new Date(ms));

export function toFrame(f: RoomFrame): WaitingRoomFrame {
  return Object.assign(new WaitingRoomFrame(), {
    ...f,
    state: f.state as WaitingRoomState,
    mode: f.mode as WaitingRoomMode,
    serverTime: new Date(f.serverTime),
    preQueueOpensAt: date(f.preQueueOpensAt),
    opensAt: date(f.opensAt),
    nextReturnAt: date(f.nextReturnAt),
    cutoffTicket: f.cutoffTicket ?? null,
    pausedReason: f.pausedReason ?? null,
    entriesRoot: f.entriesRoot ?? null,
    lateHash: f.lateHash || null,
  });
}

@ObjectType({ description: 'The viewer’s place in a room: bound to the account, any device.' })
export class WaitingRoomTicket {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int)
  ticket!: number;

  @Field(() => Int, { description: 'ticket − servedThrough; 0 once admitted.' })
  position!: number;

  @Field()
  admitted!: boolean;

  @Field(() => Date, { nullable: true, description: 'Once admitted: start a purchase before.' })
  admissionExpiresAt?: Date | null;

  @Field({ description: 'A reservation was made with this admission.' })
  admissionUsed!: boolean;

  @Field({ description: 'ALL_IN_CARTS and the ticket is past cutoffTicket: unlikely served.' })
  beyondCutoff!: boolean;

  @Field(() => Int, { nullable: true, description: 'Wait range, lower bound in seconds.' })
  minSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Wait range, upper bound; null: unknown.' })
  maxSeconds?: number | null;

  @Field(() => WaitingRoomFrame)
  frame!: WaitingRoomFrame;
}

@ObjectType({
  implements: ErrorResult,
  description:
    'The room takes no new members: reason NOT_OPEN, PAUSED, ALL_IN_CARTS, SOLD_OUT, ENDED or ENTRIES_CLOSED (RAFFLE after the pre-queue).',
})
export class WaitingRoomClosed extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field()
  reason!: string;
}

@ObjectType({
  description:
    'An entry of the pre-queue: its ticket comes from the draw at the sale start (see waitingRoomDraw).',
})
export class PreQueueEntry {
  @Field(() => ID)
  productId!: number;

  @Field({ description: 'The member’s receipt, checkable in the published draw.' })
  entryId!: string;

  @Field(() => Int, { description: 'Entries so far.' })
  entrants!: number;

  @Field({ description: 'The commitment to the draw’s seed, published before the pre-queue.' })
  seedCommit!: string;
}

export const JoinWaitingRoomResult = createUnionType({
  name: 'JoinWaitingRoomResult',
  types: () =>
    [
      WaitingRoomTicket,
      PreQueueEntry,
      WaitingRoomClosed,
      ChallengeRequired,
      ChallengeFailedError,
    ] as const,
});

@ObjectType({
  description:
    'The public draw of a room (scripts/verify-draw.mjs recomputes it): the commitment always, root and count from the seal, seed, order and late log once the room has closed.',
})
export class WaitingRoomDraw {
  @Field(() => ID)
  productId!: number;

  @Field()
  scheme!: string;

  @Field()
  seedCommit!: string;

  @Field(() => String, { nullable: true })
  entriesRoot?: string | null;

  @Field(() => Int, { nullable: true })
  entries?: number | null;

  @Field(() => String, { nullable: true })
  seed?: string | null;

  @Field(() => [String], { nullable: true, description: 'Entry ids in ticket order (1..N).' })
  order?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Late joiners’ entry ids (N+1…).' })
  late?: string[] | null;

  @Field(() => String, { nullable: true })
  lateHash?: string | null;
}

@ObjectType({ description: 'A product’s waiting-room settings.' })
export class WaitingRoomSettings {
  @Field(() => WaitingRoomMode)
  mode!: WaitingRoomMode;

  @Field(() => Date, { nullable: true })
  preQueueOpensAt?: Date | null;

  @Field(() => Int)
  admissionSeconds!: number;

  @Field(() => Int)
  holdSeconds!: number;

  @Field(() => Int)
  maxAdmitPerSecond!: number;

  @Field(() => String, { nullable: true })
  pausedReason?: string | null;
}

@ObjectType({ description: 'A room as the operator sees it.' })
export class WaitingRoomStatus {
  @Field(() => WaitingRoomSettings)
  settings!: WaitingRoomSettings;

  @Field(() => WaitingRoomFrame)
  frame!: WaitingRoomFrame;

  @Field(() => Int, { description: 'Tickets given out (including members who left).' })
  entries!: number;

  @Field(() => Int, { description: 'Members who left before their turn.' })
  left!: number;
}
