import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../../clients/redis';
import type { PaymentLedger } from './audit.service';

export interface ChargeRequest {
  paymentId: string;
  userId: number;
  amount: number;
}

export type ChargeOutcome = { approved: true } | { approved: false; reason: string };

/**
 * Charges and refunds money. `paymentId` makes both idempotent at the provider: charging an id
 * twice takes the money once, refunding it twice gives it back once, and refunding an id that was
 * never charged does nothing.
 */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  refund(paymentId: string, amount: number): Promise<void>;
}

const LEDGER_TTL_MS = 30 * 24 * 3600 * 1000;
const LEDGER_RENEW_MS = 60_000;

/** Redis keys of the simulated provider's own records (payment id → amount). */
export const providerLedger = {
  charged: 'payment-provider:charged',
  refunded: 'payment-provider:refunded',
};

/**
 * A stand-in for a card processor: declines a `declineRate` share of charges (0 approves all,
 * 1 declines all) and answers `latencyMs` after the request. An approved charge is booked at
 * once and the answer travels back afterwards, so a process that dies while waiting has still
 * been charged; a refund is booked once its request has travelled `latencyMs` (and answered as
 * long again), so a process that dies before has refunded nothing.
 * Its ledger lives in Redis (under `payment-provider:`), shared by every instance the way a real
 * processor's records are, so a refund from another process finds the charge.
 */
export class SimulatedPaymentProvider implements PaymentProvider, PaymentLedger {
  /** When this process last renewed each ledger key's expiry. */
  private readonly renewedAt = new Map<string, number>();

  // Mutable so a demo or test can switch the outcome of the next charges.
  constructor(
    readonly options: { declineRate: number; latencyMs: number },
    private readonly redis: RedisClient,
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const declined =
      this.options.declineRate >= 1 ||
      (this.options.declineRate > 0 && randomInt(1_000_000) < this.options.declineRate * 1_000_000);
    // Booked as the request arrives; the answer comes `latencyMs` after the request, however long
    // the booking took (a real processor's latency is the whole round trip).
    await Promise.all([
      declined ? undefined : this.book(providerLedger.charged, request.paymentId, request.amount),
      this.answer(),
    ]);
    return declined ? { approved: false, reason: 'Card declined' } : { approved: true };
  }

  async refund(paymentId: string, amount: number): Promise<void> {
    // A refund request travels to the processor before it is booked (the caller may die first).
    await this.answer();
    if (await this.redis.hexists(providerLedger.charged, paymentId))
      await this.book(providerLedger.refunded, paymentId, amount);
    await this.answer();
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
