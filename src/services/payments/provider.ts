import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../../clients/redis';
import type { LedgerEntry, PaymentLedger } from './audit.types';

export interface ChargeRequest {
  paymentId: string;
  userId: number;
  amount: number;
}

export type ChargeOutcome = { approved: true } | { approved: false; reason: string };

/**
 * What the provider holds of a payment id: no charge (NONE), a charge request received but not
 * booked yet (PENDING: a refund now would do nothing), a booked charge (CHARGED), or a charge
 * given back (REFUNDED).
 */
export type ChargeState = 'NONE' | 'PENDING' | 'CHARGED' | 'REFUNDED';

/**
 * Charges and refunds money. `paymentId` makes both idempotent at the provider: charging an id
 * twice takes the money once, refunding it twice gives it back once, and refunding an id that was
 * never charged does nothing — including a charge the provider has received but not booked yet,
 * which is why `state` is asked before an attempt is closed as having taken nothing.
 */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  refund(paymentId: string, amount: number): Promise<void>;
  state(paymentId: string): Promise<ChargeState>;
}

const LEDGER_TTL_MS = 30 * 24 * 3600 * 1000;
const LEDGER_RENEW_MS = 60_000;

/** Redis keys of the simulated provider's own records (by payment id). */
export const providerLedger = {
  /** payment id → amount charged (booked). */
  charged: 'payment-provider:charged',
  /** payment id → amount refunded (booked, once). */
  refunded: 'payment-provider:refunded',
  /** payment id → refund requests received, every one of them (booked or not). */
  refundRequests: 'payment-provider:refund-requests',
  /** payment id → sum of the amounts of those requests. */
  refundRequested: 'payment-provider:refund-requested',
  /** payment id → time its charge will be booked (received, not booked yet). */
  booking: 'payment-provider:booking',
};

/**
 * A stand-in for a card processor: declines a `declineRate` share of charges (0 approves all,
 * 1 declines all) and answers `latencyMs` after the request. An approved charge is booked at
 * once (or `bookingDelayMs` after the request, whatever happens to the caller: a processor that
 * books late) and the answer travels back afterwards, so a process that dies while waiting has
 * still been charged; a refund is booked once its request has travelled `latencyMs` (and
 * answered as long again), so a process that dies before has refunded nothing. Every refund
 * request is counted (`refundRequests`), booked or not, so a test sees a refund asked twice.
 * Its ledger lives in Redis (under `payment-provider:`), shared by every instance the way a real
 * processor's records are, so a refund from another process finds the charge.
 */
export class SimulatedPaymentProvider implements PaymentProvider, PaymentLedger {
  /** When this process last renewed each ledger key's expiry. */
  private readonly renewedAt = new Map<string, number>();

  // Mutable so a demo or test can switch the outcome of the next charges.
  constructor(
    readonly options: { declineRate: number; latencyMs: number; bookingDelayMs?: number },
    private readonly redis: RedisClient,
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const declined =
      this.options.declineRate >= 1 ||
      (this.options.declineRate > 0 && randomInt(1_000_000) < this.options.declineRate * 1_000_000);
    // Booked as the request arrives; the answer comes `latencyMs` after the request, however long
    // the booking took (a real processor's latency is the whole round trip).
    const delay = this.options.bookingDelayMs ?? 0;
    if (!declined && delay > 0) {
      // Received now, booked later, whether or not the caller is still there.
      await this.redis.hset(providerLedger.booking, request.paymentId, Date.now() + delay);
      setTimeout(() => {
        void this.book(providerLedger.charged, request.paymentId, request.amount)
          .then(() => this.redis.hdel(providerLedger.booking, request.paymentId))
          .catch(() => undefined);
      }, delay).unref();
      await this.answer();
      return { approved: true };
    }
    await Promise.all([
      declined ? undefined : this.book(providerLedger.charged, request.paymentId, request.amount),
      this.answer(),
    ]);
    return declined ? { approved: false, reason: 'Card declined' } : { approved: true };
  }

  async refund(paymentId: string, amount: number): Promise<void> {
    // A refund request travels to the processor before it is booked (the caller may die first).
    await this.answer();
    // Two keys in two Redis Cluster slots: two commands, not one MULTI.
    await Promise.all([
      this.redis.hincrby(providerLedger.refundRequests, paymentId, 1),
      this.redis.hincrby(providerLedger.refundRequested, paymentId, amount),
    ]);
    if (await this.redis.hexists(providerLedger.charged, paymentId))
      await this.book(providerLedger.refunded, paymentId, amount);
    await this.answer();
  }

  async state(paymentId: string): Promise<ChargeState> {
    const [charged, refunded, booking] = await Promise.all([
      this.redis.hexists(providerLedger.charged, paymentId),
      this.redis.hexists(providerLedger.refunded, paymentId),
      this.redis.hexists(providerLedger.booking, paymentId),
    ]);
    if (refunded) return 'REFUNDED';
    if (charged) return 'CHARGED';
    return booking ? 'PENDING' : 'NONE';
  }

  async lookup(paymentIds: string[]): Promise<Map<string, LedgerEntry>> {
    const result = new Map<string, LedgerEntry>();
    if (!paymentIds.length) return result;
    const [charged, refunded, requests, requested] = await Promise.all(
      [
        providerLedger.charged,
        providerLedger.refunded,
        providerLedger.refundRequests,
        providerLedger.refundRequested,
      ].map((key) => this.redis.hmget(key, ...paymentIds)),
    );
    const num = (v: string | null | undefined) => (v == null ? undefined : Number(v));
    paymentIds.forEach((id, i) => {
      const entry: LedgerEntry = {
        charged: num(charged[i]),
        refunded: num(refunded[i]),
        refundRequests: num(requests[i]) ?? 0,
        refundRequested: num(requested[i]) ?? 0,
      };
      if (entry.charged !== undefined || entry.refunded !== undefined || entry.refundRequests)
        result.set(id, entry);
    });
    return result;
  }

  async scanCharges(cursor: string, count: number): Promise<[string, string[]]> {
    const [next, flat] = await this.redis.hscan(providerLedger.charged, cursor, 'COUNT', count);
    return [next, flat.filter((_, i) => i % 2 === 0)];
  }

  /** Every refund request received, by payment id: how many, and the sum of their amounts. */
  async refundRequests(): Promise<Map<string, { count: number; amount: number }>> {
    const [counts, amounts] = await Promise.all([
      this.redis.hgetall(providerLedger.refundRequests),
      this.redis.hgetall(providerLedger.refundRequested),
    ]);
    return new Map(
      Object.entries(counts).map(([id, n]) => [
        id,
        { count: Number(n), amount: Number(amounts[id] ?? 0) },
      ]),
    );
  }

  /** Every charge the provider booked, by payment id. */
  async charges(): Promise<Map<string, number>> {
    return this.read(providerLedger.charged);
  }

  /** Every refund the provider booked, by payment id. */
  async refunds(): Promise<Map<string, number>> {
    return this.read(providerLedger.refunded);
  }

  private async book(key: string, paymentId: string, amount: number): Promise<void> {
    // HSETNX: the first booking of an id stands, repeating it changes nothing. The ledger's
    // 30-day expiry is renewed with the first booking and then at most once a minute per process,
    // so a booking is one command.
    const now = Date.now();
    if (now - (this.renewedAt.get(key) ?? -Infinity) < LEDGER_RENEW_MS) {
      await this.redis.hsetnx(key, paymentId, amount);
      return;
    }
    const replies = await this.redis
      .multi()
      .hsetnx(key, paymentId, amount)
      .pexpire(key, LEDGER_TTL_MS)
      .exec();
    const failed = replies?.find(([err]) => err)?.[0];
    if (failed) throw failed;
    this.renewedAt.set(key, now);
  }

  private async read(key: string): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(key);
    return new Map(Object.entries(all).map(([id, amount]) => [id, Number(amount)]));
  }

  private async answer(): Promise<void> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
  }
}
