import type { AppPubSub } from '../../clients/pubsub';
import type { RequestContext } from '../../context';
import type { Config } from '../../config';
import { BadUserInputError, ConflictError, NotFoundError, RateLimitedError } from '../../errors';
import { topicFor } from '../../schema/topics';
import type {
  ClaimOutcome,
  PurchaseItem,
  PurchaseOutcome,
  PurchaseRequest,
  ReleaseReason,
  ReservationEventPayload,
  ReservationView,
} from './reservation.types';
import { IDEMPOTENCY_KEY_PATTERN, normaliseItems } from './purchase-input';
import { refusalOutcome } from './reservation-replies';
import type { SaleStore } from './sale-store';
import type { StockService } from './stock.service';

/** What a purchase needs of the waiting rooms (waiting-room.service.ts). */
export interface RoomHooks {
  /** An urgent frame when a room's state changed (its last free unit went into a cart). */
  touch(productId: number): void;
  /** Rebuilds a room's settings in Redis from MySQL; false when the product has no room. */
  mirror(em: RequestContext['em'], productId: number): Promise<boolean>;
  readonly metrics: { notAdmitted: { inc(labels: { reason: string }): void } };
}

export type {
  ClaimOutcome,
  PurchaseOutcome,
  PurchaseRequest,
  ReleaseReason,
  ReservationEventPayload,
  ReservationLine,
  ReservationState,
  ReservationView,
} from './reservation.types';

export { IDEMPOTENCY_KEY_PATTERN, MAX_PURCHASE_LINES, MAX_UNITS_PER_ITEM } from './purchase-input';
const KEEP_RECORD_MS = 7 * 24 * 3600 * 1000;
const IDEMPOTENCY_MS = 24 * 3600 * 1000;
/** How long a refused purchase's key stays bound to its input (an accepted one's: a day). */
const REFUSED_IDEMPOTENCY_MS = 60 * 1000;
const keyReused = () => new ConflictError('This idempotency key was used for a different purchase');

/**
 * Reservations: `purchase` holds units atomically in Redis (reserve.lua: sale window, per-member
 * limit, stock, hold, idempotency), `claim` reserves a held one for one payment attempt
 * (pay-claim.lua: HELD → PAYING with a lease), `release` gives a reservation's units back once,
 * and `sweep` releases expired holds (a claimed one only once its lease is over too). The Redis
 * state is the sale store's (see sale-store.ts for the layout and the Redis Cluster rule for
 * several products). Business outcomes come back as `PurchaseOutcome`; bad input throws
 * BAD_USER_INPUT / NOT_FOUND, a reused key with other input throws CONFLICT.
 */
export class ReservationService {
  /** Told of each reservation the sweeper marked paid again (its pay.lua write was lost). */
  lostPaid?: (reservation: ReservationView, paymentId: string) => void;

  constructor(
    private readonly store: SaleStore,
    private readonly stock: StockService,
    private readonly pubSub: AppPubSub,
    private readonly sale: Config['sale'],
    private readonly rooms?: RoomHooks,
  ) {}

  async purchase(
    /** The request: its entity manager is forked only if a product's sale state must be built. */
    ctx: Pick<RequestContext, 'em'>,
    userId: number,
    request: PurchaseRequest,
  ): Promise<PurchaseOutcome> {
    const items = normaliseItems(request.items);
    const key = request.idempotencyKey;
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new BadUserInputError(
        'idempotencyKey must be 1-100 printable characters',
        'idempotencyKey',
      );
    }
    const fingerprint = items.map((i) => `${i.productId}x${i.quantity}`).join(',');
    // First, as it refuses several products on a Redis Cluster (BAD_USER_INPUT): before the gate
    // counts the call or binds the key.
    const id = this.store.reservations.newReservationId(items);
    // No hoarding: a member's purchase rate and open holds are capped (member-gate.lua). Past
    // them, the same script binds the key to this input across products, briefly: only an
    // accepted reservation keeps it for a day. A key bound to another input is a CONFLICT
    // before any stock is taken; the reservation script keeps the key atomically in the
    // reservation's slot too (concurrent retries of one input get one reservation).
    const gate = await this.store.reservations.gate(
      userId,
      this.sale.maxOpenHolds,
      { points: this.sale.memberPurchasesPerMinute, windowMs: 60_000 },
      { key, fingerprint, ttlMs: REFUSED_IDEMPOTENCY_MS },
    );
    if (gate.status === 'RATE') throw new RateLimitedError(gate.retryMs);
    if (gate.status === 'HOLDS')
      return {
        kind: 'holdsCapped',
        openHolds: gate.open,
        maxOpenHolds: this.sale.maxOpenHolds,
        nextReleaseAt: new Date(gate.earliestEnd),
      };
    if (gate.boundTo !== null && gate.boundTo !== fingerprint) throw keyReused();
    const outcome = await this.reserve(ctx, userId, items, key, fingerprint, id);
    if (outcome.kind === 'reserved' && outcome.reservation.id === id) {
      const held = outcome.reservation.holdExpiresAt.getTime();
      void this.store.reservations
        .addMemberHold(userId, id, held, key, IDEMPOTENCY_MS)
        .catch(() => undefined);
    }
    return outcome;
  }

  /** Runs reserve.lua for a new reservation `id`, building missing sale state from MySQL. */
  private async reserve(
    ctx: Pick<RequestContext, 'em'>,
    userId: number,
    items: PurchaseItem[],
    idempotencyKey: string,
    fingerprint: string,
    id: string,
  ): Promise<PurchaseOutcome> {
    const holdMs = this.sale.holdSeconds * 1000;
    for (let attempt = 0; ; attempt++) {
      const reply = await this.store.reservations.reserve({
        id,
        userId,
        items,
        idempotencyKey,
        fingerprint,
        holdMs,
        keepMs: KEEP_RECORD_MS,
        idempotencyMs: IDEMPOTENCY_MS,
      });
      switch (reply.status) {
        case 'OK': {
          const reservation: ReservationView = {
            id,
            userId,
            status: 'HELD',
            items: reply.items,
            totalAmount: reply.totalAmount,
            holdExpiresAt: new Date(reply.holdExpiresAt),
            createdAt: new Date(reply.createdAt),
            paymentId: null,
            orderId: null,
          };
          for (const item of items) this.stock.touch(item.productId);
          for (const productId of reply.emptiedRooms) this.rooms?.touch(productId);
          return { kind: 'reserved', reservation };
        }
        case 'DUP': {
          const earlier = await this.find(reply.reservationId);
          if (!earlier)
            throw new ConflictError('The earlier reservation of this key is gone; use a new key');
          return { kind: 'reserved', reservation: earlier };
        }
        case 'IDEM_CONFLICT':
          throw keyReused();
        case 'GONE':
          throw new NotFoundError('Product', reply.productId);
        case 'NOT_ADMITTED':
        case 'ADMISSION_EXPIRED':
          this.rooms?.metrics.notAdmitted.inc({
            reason: reply.status === 'NOT_ADMITTED' ? 'not_admitted' : 'expired',
          });
          return refusalOutcome(reply);
        case 'NOT_STARTED':
        case 'ENDED':
        case 'LIMIT':
        case 'SOLD_OUT':
          return refusalOutcome(reply);
        case 'ROOM_MISSING':
          // Redis lost the room's line: fail closed (no ticket survives) and rebuild its settings,
          // so members can join again.
          this.rooms?.metrics.notAdmitted.inc({ reason: 'room_missing' });
          await this.rooms?.mirror(ctx.em, reply.productId);
          return {
            kind: 'notAdmitted',
            productId: reply.productId,
            ticket: null,
            servedThrough: 0,
          };
        case 'NO_META':
        case 'NO_STOCK': {
          if (attempt > 2 * items.length + 1)
            throw new Error(`sale state of product ${reply.productId} could not be built`);
          if (reply.status === 'NO_META') await this.stock.ensureSaleMeta(ctx.em, reply.productId);
          else if ((await this.stock.reconcile(ctx.em, reply.productId, false)) === null)
            throw new NotFoundError('Product', reply.productId);
          continue;
        }
      }
    }
  }

  /** The viewer's reservation; NOT_FOUND for an unknown id or someone else's. */
  async get(userId: number, id: string): Promise<ReservationView> {
    const found = await this.find(id);
    if (!found || found.userId !== userId) throw new NotFoundError('Reservation', id);
    return found;
  }

  /** Reads a reservation's record, or null when there is none. */
  async find(id: string): Promise<ReservationView | null> {
    const rec = await this.store.reservations.record(id);
    if (!rec) return null;
    const { paidAt: _paidAt, claim: _claim, ...view } = rec;
    return { id, ...view };
  }

  /**
   * Claims the viewer's reservation `id` for payment attempt `paymentId` for `leaseMs` (HELD →
   * PAYING), so that one attempt at a time reaches the provider, and reads it in the same script
   * call. `unclaim` gives a claim back (PAYING → HELD) when its attempt never reached the provider.
   */
  claim(userId: number, id: string, paymentId: string, leaseMs: number): Promise<ClaimOutcome> {
    return this.store.reservations.claim(userId, id, paymentId, leaseMs);
  }

  unclaim(reservation: Pick<ReservationView, 'id' | 'userId'>, paymentId: string): Promise<void> {
    return this.store.reservations.unclaim(reservation, paymentId);
  }

  /** The payment attempt that has claimed the reservation and the end of its lease, if any. */
  claimOf(id: string): Promise<{ paymentId: string; leaseUntil: Date } | null> {
    return this.store.reservations.claimOf(id);
  }

  /**
   * Gives a reservation's units back, once (later calls are no-ops): a held one's; a claimed one
   * (PAYING) only by its claim's `paymentId` or, with `onlyIfDue`, once its hold and lease are over;
   * a paid one's only with reason REFUNDED and its `paymentId` (a payment that never became an
   * order). `onlyIfDue` releases only a hold whose time is over (by Redis time). `credit` false
   * leaves the live counter alone (the caller rebuilds it from MySQL). True when it released.
   */
  async release(
    reservation: ReservationView,
    reason: ReleaseReason,
    onlyIfDue = false,
    paymentId = '',
    credit = true,
  ): Promise<boolean> {
    if (!(await this.store.reservations.release(reservation, reason, onlyIfDue, paymentId, credit)))
      return false;
    void this.store.reservations
      .forgetMemberHold(reservation.userId, reservation.id)
      .catch(() => undefined);
    for (const item of reservation.items) {
      this.stock.touch(item.productId);
      this.rooms?.touch(item.productId);
    }
    this.notify({ ...reservation, status: reason });
    return true;
  }

  /**
   * Releases holds whose time is over, on every product with sale state. Safe on several
   * instances at once: release.lua re-checks the hold under Redis' single-threaded execution.
   * `paidIn` names the due reservations that MySQL holds as paid (reservation id → payment id):
   * Redis lost their pay.lua write (a failover), so they are marked paid again, never released.
   */
  async sweep(
    limit = 500,
    paidIn: (reservationIds: string[]) => Promise<Map<string, string>> = async () => new Map(),
  ): Promise<number> {
    let released = 0;
    for (const productId of await this.store.saleProducts()) {
      const due = await this.store.reservations.dueHolds(productId, Date.now(), limit);
      const paid = due.length ? await paidIn(due) : new Map<string, string>();
      for (const id of due) {
        const reservation = await this.find(id);
        if (!reservation) {
          await this.store.reservations.forgetHold(productId, id);
          continue;
        }
        const paymentId = paid.get(id);
        if (paymentId) {
          await this.store.reservations.markPaid(reservation, paymentId, true);
          this.lostPaid?.(reservation, paymentId);
          continue;
        }
        if (await this.release(reservation, 'EXPIRED', true)) released++;
      }
    }
    return released;
  }

  /** Tells the owner's `reservationChanged` subscribers (fire and forget). */
  notify(reservation: ReservationView): void {
    const payload: ReservationEventPayload = {
      ...reservation,
      holdExpiresAt: reservation.holdExpiresAt.toISOString(),
      createdAt: reservation.createdAt.toISOString(),
    };
    this.pubSub.publish(topicFor('RESERVATION_CHANGED', reservation.id), payload);
  }
}
