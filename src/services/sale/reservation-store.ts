import { isCluster } from '../../clients/redis';
import { BadUserInputError } from '../../errors';
import type {
  ClaimOutcome,
  PurchaseItem,
  ReleaseReason,
  ReservationRecord,
  ReservationState,
  ReservationView,
  ReserveReply,
} from './reservation.types';
import { MemberSlotStore } from './member-slot-store';
import { parseReserveReply, recordOf } from './reservation-replies';
import {
  RESERVATION_ID,
  newReservationId,
  reservationKey,
  saleKeys,
  slotProductOf,
} from './sale-keys';

/** How long a paid reservation's record is kept (its order id is written into it). */
export const PAID_RECORD_MS = 30 * 24 * 3600 * 1000;

/**
 * The reservations part of the sale store (reached as `SaleStore.reservations`): a reservation's
 * record and the scripts that hold (reserve.lua), claim (pay-claim.lua), pay (pay.lua) and
 * release (release.lua) it. The layout and the Redis Cluster rule are in sale-store.ts.
 */
export class ReservationStore extends MemberSlotStore {
  /** Called with a reservation's products once it is paid (its holds became sales). */
  onPaid: (productIds: number[]) => void = () => undefined;

  /**
   * A new reservation id for a purchase whose lines are `items` (sorted by product id). On a
   * Redis Cluster a purchase of several products is refused here, before anything is written.
   */
  newReservationId(items: PurchaseItem[]): string {
    this.checkOneSlot(items);
    return newReservationId(items[0].productId);
  }

  /** BAD_USER_INPUT (field `items`) for several products on a Redis Cluster (sale-store.ts). */
  private checkOneSlot(items: PurchaseItem[]): void {
    if (items.length > 1 && isCluster(this.redis)) {
      throw new BadUserInputError(
        'On this deployment a purchase holds one product: buy each product separately',
        'items',
      );
    }
  }

  /**
   * reserve.lua: holds `items` for `userId` as reservation `id`, atomically, or answers why not.
   * `id` comes from `newReservationId(items)`, which has already refused several products on a
   * Redis Cluster.
   */
  async reserve(args: {
    id: string;
    userId: number;
    items: PurchaseItem[];
    idempotencyKey: string;
    fingerprint: string;
    holdMs: number;
    keepMs: number;
    idempotencyMs: number;
  }): Promise<ReserveReply> {
    const { id, userId, items } = args;
    const first = saleKeys(items[0].productId);
    const keys = [first.idempotency(userId, args.idempotencyKey), first.reservation(id)];
    const argv: (string | number)[] = [
      userId,
      id,
      args.fingerprint,
      args.holdMs,
      args.keepMs,
      args.idempotencyMs,
    ];
    for (const item of items) {
      const k = saleKeys(item.productId);
      keys.push(k.stock, k.meta, k.bought, k.holdQty, k.holds, k.room, k.roomTickets, k.roomTicks);
      argv.push(item.productId, item.quantity);
    }
    const reply = await this.redis.saleReserve(keys.length, ...keys, ...argv);
    return parseReserveReply(reply, items);
  }

  /** A reservation's record, or null when there is none. */
  async record(id: string): Promise<ReservationRecord | null> {
    if (!RESERVATION_ID.test(id)) return null;
    return recordOf(await this.redis.hgetall(reservationKey(id)));
  }

  /**
   * pay-claim.lua 'claim': the member's reservation `id`, HELD → PAYING for payment attempt
   * `paymentId` for `leaseMs`, read in the same script call.
   */
  async claim(
    userId: number,
    id: string,
    paymentId: string,
    leaseMs: number,
  ): Promise<ClaimOutcome> {
    if (!RESERVATION_ID.test(id)) return { kind: 'missing' };
    const reply = await this.redis.salePayClaim(
      reservationKey(id),
      userId,
      paymentId,
      leaseMs,
      'claim',
    );
    const fields = (reply[3] ?? []) as string[];
    const rec: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) rec[fields[i]] = fields[i + 1];
    const found = recordOf(rec);
    if (!found || found.userId !== userId) return { kind: 'missing' };
    const { paidAt: _paidAt, claim: _claim, ...view } = found;
    const reservation: ReservationView = { id, ...view };
    switch (String(reply[0])) {
      case 'OK':
        return { kind: 'claimed', leaseUntil: new Date(Number(reply[1])), reservation };
      case 'PAYING':
        return {
          kind: 'inProgress',
          paymentId: String(reply[1]),
          leaseUntil: new Date(Number(reply[2])),
          reservation,
        };
      case 'EXPIRED':
        return { kind: 'expired', reservation };
      default:
        return { kind: 'status', status: String(reply[0]) as ReservationState, reservation };
    }
  }

  /** pay-claim.lua 'unclaim': PAYING → HELD, when `paymentId` still holds the claim. */
  async unclaim(
    reservation: Pick<ReservationView, 'id' | 'userId'>,
    paymentId: string,
  ): Promise<void> {
    await this.redis.salePayClaim(
      reservationKey(reservation.id),
      reservation.userId,
      paymentId,
      0,
      'unclaim',
    );
  }

  /** The payment attempt that has claimed the reservation and the end of its lease, if any. */
  async claimOf(id: string): Promise<{ paymentId: string; leaseUntil: Date } | null> {
    const [status, paymentId, lease] = await this.redis.hmget(
      reservationKey(id),
      'status',
      'claim',
      'lease',
    );
    if (status !== 'PAYING' || !paymentId) return null;
    return { paymentId, leaseUntil: new Date(Number(lease)) };
  }

  /** release.lua (see its header for who may release what). True when it released. */
  async release(
    reservation: Pick<ReservationView, 'id' | 'items'>,
    reason: ReleaseReason,
    onlyIfDue: boolean,
    paymentId: string,
    credit = true,
  ): Promise<boolean> {
    const keys = [reservationKey(reservation.id)];
    for (const item of reservation.items) {
      const k = saleKeys(item.productId);
      keys.push(k.stock, k.bought, k.holdQty, k.holds, k.paidQty);
    }
    const reply = await this.redis.saleRelease(
      keys.length,
      ...keys,
      reservation.id,
      reason,
      onlyIfDue ? '1' : '0',
      paymentId,
      credit ? '1' : '0',
    );
    return reply[0] === 'OK';
  }

  /**
   * pay.lua: PAYING → PAID for the claim's own payment; its units move from held to paid-unwritten.
   * 'OK', 'MISSING', 'LOST' (the claim was broken) or the reservation's other status.
   */
  async markPaid(
    reservation: Pick<ReservationView, 'id' | 'userId' | 'items'>,
    paymentId: string,
    restore = false,
  ): Promise<string> {
    const keys = [reservationKey(reservation.id)];
    for (const item of reservation.items) {
      const k = saleKeys(item.productId);
      keys.push(k.holdQty, k.holds, k.paidQty);
    }
    const [result] = await this.redis.salePay(
      keys.length,
      ...keys,
      reservation.id,
      paymentId,
      reservation.userId,
      PAID_RECORD_MS,
      restore ? '1' : '0',
    );
    // A paid reservation is no longer an open hold of its member.
    if (result === 'OK') {
      void this.forgetMemberHold(reservation.userId, reservation.id).catch(() => undefined);
      this.onPaid(reservation.items.map((i) => i.productId));
    }
    return result;
  }

  /**
   * Points a PAID record at `paymentId`, the payment MySQL holds as paid (another attempt's
   * pay.lua got through after a lost write). Units stay where they are: one reservation's units.
   */
  async repointPaid(reservation: Pick<ReservationView, 'id'>, paymentId: string): Promise<void> {
    await this.redis.hset(reservationKey(reservation.id), 'paymentId', paymentId);
  }

  /** When pay.lua marked the reservation paid (Redis time, epoch ms), 0 if never. */
  async paidAt(id: string): Promise<number> {
    return Number((await this.redis.hget(reservationKey(id), 'paidAt')) ?? 0);
  }

  /**
   * After their orders commit: the reservations' paid units leave "paid, not yet written", and
   * each new order's id goes into its reservation's record. One command per key (a cluster
   * routes each to its node), pipelined.
   */
  async settleWritten(
    settled: { reservationId: string; items: { productId: number }[] }[],
    placed: { reservationId: string; orderId: number }[],
  ): Promise<void> {
    // One settle-written.lua call per product: the paid entries it drops, and the records of
    // its slot that get their order id.
    const byProduct = new Map<
      number,
      { ids: string[]; records: { id: string; orderId: number }[] }
    >();
    const group = (productId: number) => {
      let g = byProduct.get(productId);
      if (!g) byProduct.set(productId, (g = { ids: [], records: [] }));
      return g;
    };
    for (const { reservationId, items } of settled)
      for (const item of items) group(item.productId).ids.push(reservationId);
    for (const { reservationId, orderId } of placed)
      group(slotProductOf(reservationId)).records.push({ id: reservationId, orderId });
    await Promise.all(
      [...byProduct].map(([productId, { ids, records }]) => {
        const keys = saleKeys(productId);
        return this.redis.saleSettleWritten(
          1 + records.length,
          keys.paidQty,
          ...records.map((r) => keys.reservation(r.id)),
          PAID_RECORD_MS,
          ids.length,
          ...ids,
          ...records.map((r) => r.orderId),
        );
      }),
    );
  }

  /** Up to `limit` reservations of a product whose hold ended by `untilMs`. */
  dueHolds(productId: number, untilMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(saleKeys(productId).holds, '-inf', untilMs, 'LIMIT', 0, limit);
  }

  /** Forgets a hold whose reservation record is gone. */
  async forgetHold(productId: number, id: string): Promise<void> {
    await this.redis.zrem(saleKeys(productId).holds, id);
  }
}
