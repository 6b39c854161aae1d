import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChargeRequest {
  paymentId: string;
  userId: number;
  amount: number;
}

export type ChargeOutcome = { approved: true } | { approved: false; reason: string };

/** Charges and refunds money. `paymentId` makes both idempotent at the provider. */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  refund(paymentId: string, amount: number): Promise<void>;
}

/**
 * A stand-in for a card processor: waits `latencyMs` and declines a `declineRate` share of
 * charges (0 approves all, 1 declines all). Keeps what it charged and refunded, for checks.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  readonly charged = new Map<string, number>();
  readonly refunded = new Map<string, number>();

  // Mutable so a demo or test can switch the outcome of the next charges.
  constructor(readonly options: { declineRate: number; latencyMs: number }) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const declined =
      this.options.declineRate >= 1 ||
      (this.options.declineRate > 0 && randomInt(1_000_000) < this.options.declineRate * 1_000_000);
    if (declined) return { approved: false, reason: 'Card declined' };
    this.charged.set(request.paymentId, request.amount);
    return { approved: true };
  }

  async refund(paymentId: string, amount: number): Promise<void> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    this.refunded.set(paymentId, amount);
  }
}
