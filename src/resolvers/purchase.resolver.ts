import {
  Arg,
  Authorized,
  Ctx,
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
import { BadUserInputError } from '../errors';
import { ErrorResultCode } from '../schema/error-result';
import {
  AdmissionExpiredError,
  NotAdmittedError,
  PayInput,
  PayResult,
  CompletedPayment,
  PaymentDeclinedError,
  PaymentInProgressError,
  PurchaseInput,
  PurchaseLimitExceededError,
  PurchaseResult,
  Reservation,
  ReservationExpiredError,
  ReservationStatus,
  SaleNotActiveError,
  SoldOutError,
  TooManyHoldsError,
  errorResult,
} from '../schema/purchase.types';
import { toId } from '../schema/product.inputs';
import { TOPICS } from '../schema/topics';
import type { DropCounters } from '../services/ops/drop-counters';
import type { PaymentService } from '../services/payments/payment.service';
import type {
  ReservationEventPayload,
  ReservationService,
  ReservationView,
} from '../services/sale/reservation.service';
import { RESERVATION_ID } from '../services/sale/sale-keys';
import { eventStream } from './event-stream';
import { viewerOf } from './viewer';

/** The code each refused answer carries, as the operator's view counts it. */
const PURCHASE_REFUSAL = {
  soldOut: ErrorResultCode.SOLD_OUT,
  notStarted: ErrorResultCode.SALE_NOT_STARTED,
  ended: ErrorResultCode.SALE_ENDED,
  limit: ErrorResultCode.PURCHASE_LIMIT_EXCEEDED,
  notAdmitted: ErrorResultCode.NOT_ADMITTED,
  admissionExpired: ErrorResultCode.ADMISSION_EXPIRED,
  holdsCapped: ErrorResultCode.HOLDS_CAPPED,
} as const;
const PAY_REFUSAL = {
  paid: undefined,
  declined: ErrorResultCode.PAYMENT_DECLINED,
  inProgress: ErrorResultCode.PAYMENT_IN_PROGRESS,
  expired: ErrorResultCode.RESERVATION_EXPIRED,
} as const;

function toReservation(view: ReservationView): Reservation {
  return Object.assign(new Reservation(), { ...view, status: view.status as ReservationStatus });
}

@Resolver()
export class PurchaseResolver {
  constructor(
    private readonly reservations: ReservationService,
    private readonly payments: PaymentService,
    private readonly pubSub: AppPubSub,
    private readonly counters?: DropCounters,
  ) {}

  @Authorized()
  @Mutation(() => PurchaseResult, {
    description:
      'Reserves units (one product, or several lines such as the cart’s) until paid or the hold expires.',
  })
  async purchase(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: PurchaseInput,
  ): Promise<typeof PurchaseResult> {
    const viewer = viewerOf(ctx);
    let items: { productId: number; quantity: number }[];
    if (input.items?.length) {
      if (input.productId != null)
        throw new BadUserInputError('Give productId or items, not both', 'items');
      items = input.items.map((i) => ({
        productId: toId(i.productId, 'productId'),
        quantity: i.quantity,
      }));
    } else {
      if (input.productId == null)
        throw new BadUserInputError('Give productId or items', 'productId');
      items = [{ productId: toId(input.productId, 'productId'), quantity: input.quantity ?? 1 }];
    }
    const outcome = await this.reservations.purchase(ctx, viewer.userId, {
      items,
      idempotencyKey: input.idempotencyKey,
    });
    this.counters?.purchase(
      items.map((i) => i.productId),
      outcome.kind === 'reserved' ? undefined : PURCHASE_REFUSAL[outcome.kind],
    );
    switch (outcome.kind) {
      case 'reserved':
        return toReservation(outcome.reservation);
      case 'soldOut':
        return errorResult(SoldOutError, ErrorResultCode.SOLD_OUT, 'Not enough units left', {
          productId: outcome.productId,
          remaining: outcome.remaining,
        });
      case 'notStarted':
      case 'ended':
        return errorResult(
          SaleNotActiveError,
          outcome.kind === 'notStarted'
            ? ErrorResultCode.SALE_NOT_STARTED
            : ErrorResultCode.SALE_ENDED,
          outcome.kind === 'notStarted' ? 'The sale has not started' : 'The sale has ended',
          {
            productId: outcome.productId,
            saleStartsAt: outcome.startsAt,
            saleEndsAt: outcome.endsAt,
          },
        );
      case 'limit':
        return errorResult(
          PurchaseLimitExceededError,
          ErrorResultCode.PURCHASE_LIMIT_EXCEEDED,
          'Purchase limit reached',
          {
            productId: outcome.productId,
            remainingAllowance: outcome.left,
          },
        );
      case 'notAdmitted':
        return errorResult(
          NotAdmittedError,
          ErrorResultCode.NOT_ADMITTED,
          outcome.ticket === null
            ? 'This sale runs through a waiting room: join it first'
            : 'Not admitted yet: wait for your turn in the waiting room',
          {
            productId: outcome.productId,
            ticket: outcome.ticket,
            servedThrough: outcome.servedThrough,
            position:
              outcome.ticket === null ? null : Math.max(0, outcome.ticket - outcome.servedThrough),
          },
        );
      case 'admissionExpired':
        return errorResult(
          AdmissionExpiredError,
          ErrorResultCode.ADMISSION_EXPIRED,
          'Your admission window has passed',
          { productId: outcome.productId, expiredAt: outcome.expiredAt },
        );
      case 'holdsCapped':
        return errorResult(
          TooManyHoldsError,
          ErrorResultCode.HOLDS_CAPPED,
          'You hold the most unpaid reservations allowed: pay or cancel one first',
          {
            openHolds: outcome.openHolds,
            maxOpenHolds: outcome.maxOpenHolds,
            nextReleaseAt: outcome.nextReleaseAt,
          },
        );
    }
  }

  @Authorized()
  @Mutation(() => PayResult, {
    description: 'Pays a held reservation; the order follows from the payment event.',
  })
  async pay(@Ctx() ctx: RequestContext, @Arg('input') input: PayInput): Promise<typeof PayResult> {
    const outcome = await this.payments.pay(viewerOf(ctx).userId, String(input.reservationId));
    const productId = RESERVATION_ID.exec(String(input.reservationId))?.[1];
    if (productId) this.counters?.pay(Number(productId), PAY_REFUSAL[outcome.kind]);
    switch (outcome.kind) {
      case 'paid':
        return Object.assign(new CompletedPayment(), {
          ...outcome.payment,
          reservation: toReservation(outcome.reservation),
        });
      case 'declined':
        return errorResult(PaymentDeclinedError, ErrorResultCode.PAYMENT_DECLINED, outcome.reason, {
          reservationId: outcome.reservationId,
        });
      case 'inProgress':
        return errorResult(
          PaymentInProgressError,
          ErrorResultCode.PAYMENT_IN_PROGRESS,
          'A payment of this reservation is in progress',
          { reservationId: outcome.reservationId },
        );
      case 'expired':
        return errorResult(
          ReservationExpiredError,
          ErrorResultCode.RESERVATION_EXPIRED,
          'The reservation is no longer held',
          {
            reservationId: outcome.reservationId,
            status: outcome.status as ReservationStatus,
          },
        );
    }
  }

  @Authorized()
  @Query(() => Reservation, {
    description: 'One of the viewer’s reservations (NOT_FOUND for anyone else’s).',
  })
  async reservation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
  ): Promise<Reservation> {
    return toReservation(await this.reservations.get(viewerOf(ctx).userId, String(id)));
  }

  /**
   * The events of one of the viewer's reservations: NOT_FOUND at subscribe time for anyone
   * else's id (a topic alone would accept it and never emit), and only the owner's events pass.
   * It listens before it checks, so an event published meanwhile is not lost.
   */
  async reservationEvents(
    ctx: RequestContext,
    id: string,
  ): Promise<AsyncIterable<ReservationEventPayload>> {
    const userId = viewerOf(ctx).userId;
    const source = await this.pubSub.subscribeReady<ReservationEventPayload>(
      TOPICS.RESERVATION_CHANGED,
      id,
    );
    try {
      await this.reservations.get(userId, id);
    } catch (err) {
      await source.return?.();
      throw err;
    }
    return eventStream(source, (event) => event.userId === userId);
  }

  @Authorized()
  @Subscription(() => Reservation, {
    description: 'Changes of one of the viewer’s reservations (paid, expired, declined).',
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<unknown, { id: string }, RequestContext>) =>
      resolverOf(context, PurchaseResolver).reservationEvents(context, String(args.id)),
  })
  reservationChanged(
    @Arg('id', () => ID) _id: string,
    @Root() event: ReservationEventPayload,
  ): Reservation {
    return toReservation({
      ...event,
      holdExpiresAt: new Date(event.holdExpiresAt),
      createdAt: new Date(event.createdAt),
    });
  }
}
