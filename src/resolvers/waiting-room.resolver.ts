import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { AppPubSub } from '../clients/pubsub';
import { resolverOf, type RequestContext } from '../context';
import { Product } from '../entities/product.entity';
import { Role } from '../entities/user.entity';
import { ErrorResultCode } from '../schema/error-result';
import { toId } from '../schema/product.inputs';
import { errorResult } from '../schema/purchase.types';
import { TOPICS } from '../schema/topics';
import { JoinWaitingRoomInput, PauseWaitingRoomInput } from '../schema/waiting-room.inputs';
import {
  ChallengeFailedError,
  ChallengeRequired,
  PowChallenge,
} from '../schema/waiting-room-pow.types';
import {
  JoinWaitingRoomResult,
  PreQueueEntry,
  WaitingRoomDraw,
  WaitingRoomClosed,
  WaitingRoomFrame,
  WaitingRoomSettings,
  WaitingRoomStatus,
  WaitingRoomTicket,
  toFrame,
} from '../schema/waiting-room.types';
import type { RoomFrame } from '../services/sale/room.types';
import type { WaitingRoomService } from '../services/sale/waiting-room.service';
import { currentThenNewer } from './event-stream';
import { viewerOf } from './viewer';

type RoomArgs = { productId: string };

@Resolver()
export class WaitingRoomResolver {
  constructor(
    private readonly rooms: WaitingRoomService,
    private readonly pubSub: AppPubSub,
  ) {}

  @Query(() => WaitingRoomFrame, {
    description: 'The room’s current frame (public). NOT_FOUND for a product without a room.',
  })
  async waitingRoom(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<WaitingRoomFrame> {
    return toFrame(await this.rooms.snapshot(ctx.em, toId(productId, 'productId')));
  }

  @Authorized()
  @Query(() => WaitingRoomTicket, {
    nullable: true,
    description: 'The viewer’s ticket (any device); null when the viewer is not in line.',
  })
  async myWaitingRoomTicket(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<WaitingRoomTicket | null> {
    const id = toId(productId, 'productId');
    const view = await this.rooms.ticketOf(ctx.em, viewerOf(ctx).userId, id);
    return view && Object.assign(new WaitingRoomTicket(), { ...view, frame: toFrame(view.frame) });
  }

  @Authorized()
  @Mutation(() => JoinWaitingRoomResult, {
    description:
      'Takes a place in line: one ticket per account, the same on every device and retry. WaitingRoomClosed once the room takes no one (paused, every unit in carts, sold out, ended).',
  })
  async joinWaitingRoom(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: JoinWaitingRoomInput,
  ): Promise<typeof JoinWaitingRoomResult> {
    const productId = toId(input.productId, 'productId');
    const userId = viewerOf(ctx).userId;
    const outcome = await this.rooms.join(ctx.em, userId, productId, input.proof ?? null);
    if (outcome.kind === 'challenge')
      return errorResult(
        ChallengeRequired,
        ErrorResultCode.CHALLENGE_REQUIRED,
        'Solve the proof of work and join again with it',
        { productId, challenge: Object.assign(new PowChallenge(), outcome.challenge) },
      );
    if (outcome.kind === 'proofFailed')
      return errorResult(
        ChallengeFailedError,
        ErrorResultCode.CHALLENGE_FAILED,
        'The proof of work was refused: ask for a new challenge',
        { productId, reason: outcome.reason },
      );
    if (outcome.kind === 'closed')
      return errorResult(
        WaitingRoomClosed,
        ErrorResultCode.ROOM_CLOSED,
        closedMessage(outcome.reason),
        {
          productId,
          reason: outcome.reason,
        },
      );
    if (outcome.kind === 'entered') {
      // The commitment comes with the entry from Redis (MySQL only for a room mirrored before
      // Redis kept it).
      const seedCommit =
        outcome.seedCommit ?? (await this.rooms.find(ctx.em, productId))?.seedCommit ?? '';
      return Object.assign(new PreQueueEntry(), {
        productId,
        entryId: outcome.entryId,
        entrants: outcome.entrants,
        seedCommit,
      });
    }
    const view = await this.rooms.ticketOf(ctx.em, userId, productId);
    if (!view) throw new Error('ticket vanished after join');
    return Object.assign(new WaitingRoomTicket(), { ...view, frame: toFrame(view.frame) });
  }

  @Query(() => WaitingRoomDraw, {
    description: 'The room’s draw, public: anyone can recompute the order (npm run verify:draw).',
  })
  async waitingRoomDraw(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<WaitingRoomDraw> {
    return Object.assign(
      new WaitingRoomDraw(),
      await this.rooms.audit(ctx.em, toId(productId, 'productId')),
    );
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Gives up the viewer’s place; false when the viewer held none.',
  })
  leaveWaitingRoom(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<boolean> {
    return this.rooms.leave(viewerOf(ctx).userId, toId(productId, 'productId'));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WaitingRoomFrame, {
    description: 'Admin only. Pauses a room: nobody is admitted or joins; every frame shows why.',
  })
  async pauseWaitingRoom(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: PauseWaitingRoomInput,
  ): Promise<WaitingRoomFrame> {
    const productId = toId(input.productId, 'productId');
    return toFrame(await this.rooms.setPaused(ctx.em, productId, input.reason));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WaitingRoomFrame, { description: 'Admin only. Resumes a paused room.' })
  async resumeWaitingRoom(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<WaitingRoomFrame> {
    return toFrame(await this.rooms.setPaused(ctx.em, toId(productId, 'productId'), null));
  }

  @Authorized(Role.ADMIN)
  @Query(() => WaitingRoomStatus, {
    description: 'Admin only. A room’s settings, frame and counts.',
  })
  async waitingRoomStatus(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
  ): Promise<WaitingRoomStatus> {
    const s = await this.rooms.status(ctx.em, toId(productId, 'productId'));
    return Object.assign(new WaitingRoomStatus(), {
      settings: Object.assign(new WaitingRoomSettings(), s.room),
      frame: toFrame(s.frame),
      entries: s.entries,
      left: s.left,
    });
  }

  /** The current frame, then every newer one (the path of transports other than the hub). */
  frames(ctx: RequestContext, productId: number): Promise<AsyncIterable<RoomFrame>> {
    return currentThenNewer(this.pubSub, TOPICS.WAITING_ROOM, productId, () =>
      this.rooms.snapshot(ctx.em, productId),
    );
  }

  @Subscription(() => WaitingRoomFrame, {
    name: 'waitingRoom',
    description:
      'A waiting room, live and public: the current frame at once, then one frame per tick (ROOM_TICK_MS) and an urgent one on every state change. The websocket server fans it out (one execution per frame, the same bytes to every watcher).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, RoomArgs, RequestContext>) =>
      resolverOf(context, WaitingRoomResolver).frames(context, toId(args.productId, 'productId')),
  })
  waitingRoomChanged(
    @Arg('productId', () => ID) _productId: string,
    @Root() frame: RoomFrame,
  ): WaitingRoomFrame {
    return toFrame(frame);
  }
}

/** Product.waitingRoom: the product's room settings (null: it sells without a room). */
@Resolver(() => Product)
export class ProductWaitingRoomResolver {
  constructor(private readonly rooms: WaitingRoomService) {}

  @FieldResolver(() => WaitingRoomSettings, { nullable: true })
  async waitingRoom(
    @Ctx() ctx: RequestContext,
    @Root() product: Product,
  ): Promise<WaitingRoomSettings | null> {
    const room = await this.rooms.find(ctx.em, product.id);
    return room && Object.assign(new WaitingRoomSettings(), room);
  }
}

function closedMessage(reason: string): string {
  switch (reason) {
    case 'ALL_IN_CARTS':
      return 'Every unit is in a cart; the line reopens only if some are released';
    case 'SOLD_OUT':
      return 'Sold out';
    case 'PAUSED':
      return 'The room is paused';
    case 'NOT_OPEN':
      return 'The room is not open yet';
    case 'ENTRIES_CLOSED':
      return 'Entries to this draw are closed';
    default:
      return 'The sale has ended';
  }
}
