import { randomFillSync } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { AppPubSub } from '../../clients/pubsub';
import type { AppRedis } from '../../clients/redis';
import type { Config } from '../../config';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors';
import { topicFor } from '../../schema/topics';
import { SALE_PRODUCTS_KEY, saleKeys, type StockService } from './stock.service';

export type ReservationState =
  'HELD' | 'PAYING' | 'PAID' | 'EXPIRED' | 'DECLINED' | 'CANCELLED' | 'REFUNDED';
export type ReleaseReason = 'EXPIRED' | 'DECLINED' | 'CANCELLED' | 'REFUNDED';

/** The result of claiming a held reservation for one payment attempt (pay-claim.lua). */
/** A claim's outcome, with the reservation as the claim left it (except when missing). */
export type ClaimOutcome =
  | { kind: 'claimed'; leaseUntil: Date; reservation: ReservationView }
  | { kind: 'inProgress'; paymentId: string; leaseUntil: Date; reservation: ReservationView }
  | { kind: 'expired'; reservation: ReservationView }
  | { kind: 'missing' }
  | { kind: 'status'; status: ReservationState; reservation: ReservationView };

export interface ReservationLine {
  productId: number;
  quantity: number;
  unitPrice: number;
}

/** A reservation as the service sees it (read from its Redis record). */
export interface ReservationView {
  id: string;
  userId: number;
  status: ReservationState;
  items: ReservationLine[];
  totalAmount: number;
  holdExpiresAt: Date;
  createdAt: Date;
  paymentId: string | null;
  orderId: number | null;
}

/** What crosses Redis pub/sub when a reservation changes (dates as ISO strings). */
export interface ReservationEventPayload extends Omit<
  ReservationView,
  'holdExpiresAt' | 'createdAt'
> {
  holdExpiresAt: string;
  createdAt: string;
}

export type PurchaseOutcome =
  | { kind: 'reserved'; reservation: ReservationView }
  | { kind: 'soldOut'; productId: number; remaining: number }
  | { kind: 'notStarted' | 'ended'; productId: number; startsAt: Date | null; endsAt: Date | null }
  | { kind: 'limit'; productId: number; left: number };

export interface PurchaseRequest {
  items: { productId: number; quantity: number }[];
  idempotencyKey: string;
}

/** Largest quantity of one product in one purchase. */
export const MAX_UNITS_PER_ITEM = 1000;
/** Most lines (products) in one purchase. */
export const MAX_PURCHASE_LINES = 20;
const KEEP_RECORD_MS = 7 * 24 * 3600 * 1000;
const IDEMPOTENCY_MS = 24 * 3600 * 1000;
/** How long a paid reservation's record is kept (its order id is written into it). */
export const PAID_RECORD_MS = 30 * 24 * 3600 * 1000;
/** A reservation id: its first product's id, a dot and 16 random url-safe characters. */
const RESERVATION_ID_PATTERN = /^(\d{1,10})\.([A-Za-z0-9_-]{16})$/;

/** A reservation's Redis record: it lives with its first product's keys, whose id starts its own. */
export function reservationKey(reservationId: string): string {
  return saleKeys(Number(reservationId.slice(0, reservationId.indexOf('.')))).reservation(
    reservationId,
  );
}

// Random bytes for reservation ids, drawn from the kernel 4 KiB at a time: one call per
// reservation was a tenth of a purchase's CPU in the profile.
const ENTROPY = Buffer.alloc(4096);
let entropyAt = ENTROPY.length;

/** A member's idempotency key across products (its own hash slot: the member's). */
const memberIdempotencyKey = (userId: number, key: string) => `idem:{m${userId}}:${key}`;

/** 12 unpredictable bytes as 16 base64url characters. */
function randomToken(): string {
  if (entropyAt + 12 > ENTROPY.length) {
    randomFillSync(ENTROPY);
    entropyAt = 0;
  }
  entropyAt += 12;
  return ENTROPY.toString('base64url', entropyAt - 12, entropyAt);
}

/**
 * Reservations: `purchase` holds units atomically in Redis (reserve.lua: sale window, per-member
 * limit, stock, hold, idempotency), `claim` reserves a held one for one payment attempt
 * (pay-claim.lua: HELD → PAYING with a lease), `release` gives a reservation's units back once,
 * and `sweep` releases expired holds (a claimed one only once its lease is over too). A reservation's keys live in its first product's hash slot;
 * a multi-product purchase therefore needs its products in one slot on Redis Cluster.
 * Business outcomes come back as `PurchaseOutcome`; bad input throws BAD_USER_INPUT / NOT_FOUND,
 * a reused key with other input throws CONFLICT.
 */
export class ReservationService {
  constructor(
    private readonly redis: AppRedis,
    private readonly stock: StockService,
    private readonly pubSub: AppPubSub,
    private readonly sale: Config['sale'],
  ) {}

  async purchase(
    em: EntityManager,
    userId: number,
    request: PurchaseRequest,
  ): Promise<PurchaseOutcome> {
    const items = normaliseItems(request.items);
    const key = request.idempotencyKey;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(key)) {
      throw new BadUserInputError(
        'idempotencyKey must be 1-100 printable characters',
        'idempotencyKey',
      );
    }
    const fingerprint = items.map((i) => `${i.productId}x${i.quantity}`).join(',');
    // The reservation script keeps the key atomically in the first product's slot (concurrent
    // retries of one input get one reservation). A key is also bound to its input across
    // products by a member-wide record, written in the same round trip: if another input
    // holds it, the reservation just made is given back and the call is a CONFLICT.
    const bound = this.redis.set(
      memberIdempotencyKey(userId, key),
      fingerprint,
      'PX',
      IDEMPOTENCY_MS,
      'NX',
      'GET',
    );
    const id = `${items[0].productId}.${randomToken()}`;
    let outcome: PurchaseOutcome;
    try {
      outcome = await this.reserve(em, userId, items, key, fingerprint, id);
    } catch (err) {
      bound.catch(() => undefined);
      throw err;
    }
    const boundTo = await bound;
    if (boundTo !== null && boundTo !== fingerprint) {
      // Only a reservation this call made is given back (a DUP answer carries the earlier id).
      if (outcome.kind === 'reserved' && outcome.reservation.id === id)
        await this.release(outcome.reservation, 'CANCELLED');
      throw new ConflictError('This idempotency key was used for a different purchase');
    }
    return outcome;
  }

  /** Runs reserve.lua for a new reservation `id`, building missing sale state from MySQL. */
  private async reserve(
    em: EntityManager,
    userId: number,
    items: { productId: number; quantity: number }[],
    key: string,
    fingerprint: string,
    id: string,
  ): Promise<PurchaseOutcome> {
    const firstKeys = saleKeys(items[0].productId);
    const keys = [firstKeys.idempotency(userId, key), firstKeys.reservation(id)];
    const argv: (string | number)[] = [
      userId,
      id,
      fingerprint,
      this.sale.holdSeconds * 1000,
      KEEP_RECORD_MS,
      IDEMPOTENCY_MS,
    ];
    for (const item of items) {
      const k = saleKeys(item.productId);
      keys.push(k.stock, k.meta, k.bought, k.holdQty, k.holds);
      argv.push(item.productId, item.quantity);
    }

    for (let attempt = 0; ; attempt++) {
      const reply = await this.redis.saleReserve(keys.length, ...keys, ...argv);
      const status = String(reply[0]);
      const productAt = (i: unknown) => items[Number(i) - 1].productId;
      switch (status) {
        case 'OK': {
          const reservation: ReservationView = {
            id,
            userId,
            status: 'HELD',
            items: parseLines(String(reply[4])),
            totalAmount: Number(reply[3]),
            holdExpiresAt: new Date(Number(reply[2])),
            createdAt: new Date(Number(reply[2]) - this.sale.holdSeconds * 1000),
            paymentId: null,
            orderId: null,
          };
          for (const item of items) this.stock.touch(item.productId);
          return { kind: 'reserved', reservation };
        }
        case 'DUP': {
          const earlier = await this.find(String(reply[1]));
          if (!earlier)
            throw new ConflictError('The earlier reservation of this key is gone; use a new key');
          return { kind: 'reserved', reservation: earlier };
        }
        case 'IDEM_CONFLICT':
          throw new ConflictError('This idempotency key was used for a different purchase');
        case 'GONE':
          throw new NotFoundError('Product', productAt(reply[1]));
        case 'NOT_STARTED':
        case 'ENDED':
          return {
            kind: status === 'NOT_STARTED' ? 'notStarted' : 'ended',
            productId: productAt(reply[1]),
            startsAt: Number(reply[2]) >= 0 ? new Date(Number(reply[2])) : null,
            endsAt: Number(reply[3]) >= 0 ? new Date(Number(reply[3])) : null,
          };
        case 'LIMIT':
          return { kind: 'limit', productId: productAt(reply[1]), left: Number(reply[2]) };
        case 'SOLD_OUT':
          return { kind: 'soldOut', productId: productAt(reply[1]), remaining: Number(reply[2]) };
        case 'NO_META':
        case 'NO_STOCK': {
          if (attempt > 2 * items.length + 1)
            throw new Error(`sale state of product ${productAt(reply[1])} could not be built`);
          const productId = productAt(reply[1]);
          if (status === 'NO_META') await this.stock.ensureSaleMeta(em, productId);
          else if ((await this.stock.reconcile(em, productId, false)) === null)
            throw new NotFoundError('Product', productId);
          continue;
        }
        default:
          throw new Error(`unexpected reserve reply ${status}`);
      }
    }
  }

  /** The viewer's reservation; NOT_FOUND for an unknown id or someone else's. */
  async get(userId: number, id: string): Promise<ReservationView> {
    const found = RESERVATION_ID_PATTERN.test(id) ? await this.find(id) : null;
    if (!found || found.userId !== userId) throw new NotFoundError('Reservation', id);
    return found;
  }

  /** Reads a reservation's record, or null when there is none. */
  async find(id: string): Promise<ReservationView | null> {
    if (!RESERVATION_ID_PATTERN.test(id)) return null;
    return recordView(id, await this.redis.hgetall(reservationKey(id)));
  }

  /**
   * Claims the viewer's reservation `id` for payment attempt `paymentId` for `leaseMs` (HELD →
   * PAYING), so that one attempt at a time reaches the provider, and reads it in the same script
   * call. `unclaim` gives a claim back (PAYING → HELD) when its attempt never reached the provider.
   */
  async claim(
    userId: number,
    id: string,
    paymentId: string,
    leaseMs: number,
  ): Promise<ClaimOutcome> {
    if (!RESERVATION_ID_PATTERN.test(id)) return { kind: 'missing' };
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
    const reservation = recordView(id, rec);
    if (!reservation || reservation.userId !== userId) return { kind: 'missing' };
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

  async unclaim(reservation: ReservationView, paymentId: string): Promise<void> {
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

  /**
   * Gives a reservation's units back, once (later calls are no-ops): a held one's; a claimed one
   * (PAYING) only by its claim's `paymentId` or, with `onlyIfDue`, once its hold and lease are over;
   * a paid one's only with reason REFUNDED and its `paymentId` (a payment that never became an
   * order). `onlyIfDue` releases only a hold whose time is over (by Redis time). True when it
   * released.
   */
  async release(
    reservation: ReservationView,
    reason: ReleaseReason,
    onlyIfDue = false,
    paymentId = '',
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
    );
    if (reply[0] !== 'OK') return false;
    for (const item of reservation.items) this.stock.touch(item.productId);
    this.notify({ ...reservation, status: reason });
    return true;
  }

  /**
   * Releases holds whose time is over, on every product with sale keys. Safe on several instances
   * at once: release.lua re-checks the hold under Redis' single-threaded execution.
   */
  async sweep(limit = 500): Promise<number> {
    const products = await this.redis.smembers(SALE_PRODUCTS_KEY);
    let released = 0;
    for (const productId of products.map(Number)) {
      const due = await this.redis.zrangebyscore(
        saleKeys(productId).holds,
        '-inf',
        Date.now(),
        'LIMIT',
        0,
        limit,
      );
      for (const id of due) {
        const reservation = await this.find(id);
        if (!reservation) {
          await this.redis.zrem(saleKeys(productId).holds, id);
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

/** A reservation's view from its record's fields, or null when there is no record. */
function recordView(id: string, rec: Record<string, string>): ReservationView | null {
  if (!rec.user) return null;
  return {
    id,
    userId: Number(rec.user),
    status: rec.status as ReservationState,
    items: parseLines(rec.items),
    totalAmount: Number(rec.total),
    holdExpiresAt: new Date(Number(rec.exp)),
    createdAt: new Date(Number(rec.created)),
    paymentId: rec.paymentId ?? null,
    orderId: rec.orderId ? Number(rec.orderId) : null,
  };
}

/** Validates lines, merges repeated products and sorts by product id (a canonical input). */
function normaliseItems(
  items: { productId: number; quantity: number }[],
): { productId: number; quantity: number }[] {
  if (!Array.isArray(items) || items.length === 0)
    throw new BadUserInputError('Nothing to purchase', 'items');
  if (items.length > MAX_PURCHASE_LINES)
    throw new BadUserInputError(`At most ${MAX_PURCHASE_LINES} lines per purchase`, 'items');
  const merged = new Map<number, number>();
  for (const { productId, quantity } of items) {
    if (!Number.isSafeInteger(productId) || productId <= 0 || productId > 4_294_967_295) {
      throw new BadUserInputError('Unknown product id', 'productId');
    }
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_UNITS_PER_ITEM) {
      throw new BadUserInputError(
        `Quantity must be between 1 and ${MAX_UNITS_PER_ITEM}`,
        'quantity',
      );
    }
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  }
  const result = [...merged].map(([productId, quantity]) => ({ productId, quantity }));
  if (result.some((i) => i.quantity > MAX_UNITS_PER_ITEM)) {
    throw new BadUserInputError(`Quantity must be between 1 and ${MAX_UNITS_PER_ITEM}`, 'quantity');
  }
  return result.sort((a, b) => a.productId - b.productId);
}

function parseLines(encoded: string | undefined): ReservationLine[] {
  if (!encoded) return [];
  return encoded.split(',').map((line) => {
    const [productId, quantity, unitPrice] = line.split(':').map(Number);
    return { productId, quantity, unitPrice };
  });
}
