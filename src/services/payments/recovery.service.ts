import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { PaymentStatus } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { claimDue, type ClaimOptions } from '../common/outbox-relay';
import { paymentOutboxes } from './payment-table';
import type { PaymentProvider } from './provider';
import { ReservationAlreadyPaid, type PaymentRecords, type PaymentRow } from './records';
import type { ReservationService, ReservationView } from '../sale/reservation.service';
import type { SaleStore } from '../sale/sale-store';

/** What the recovery did with the payments it claimed. */
export interface RecoveryOutcome {
  /** Redis had the reservation paid with this payment: now PAID, its event on its way. */
  paid: number;
  /** The reservation can no longer be paid with it: refunded at the provider, now VOID. */
  voided: number;
  /** Its reservation can still be paid (claim and hold not over): looked at again after both. */
  waiting: number;
}

/** Slack past a hold's end before the recovery looks at its payment again. */
const AFTER_HOLD_MS = 1000;

/** When pay.lua marked the reservation paid (Redis time), or now if the record lacks it. */
export async function paidAtOf(store: SaleStore, reservation: ReservationView): Promise<Date> {
  const at = await store.reservations.paidAt(reservation.id);
  return at > 0 ? new Date(at) : new Date();
}

/**
 * Settles PENDING payments left behind by a crashed or failed `pay` (see PaymentService): PAID if
 * Redis has the reservation paid with it, otherwise, once the claim's lease and the hold are over,
 * the claim is broken (release.lua), the charge refunded and the row VOID.
 */
export class PaymentRecoveryService {
  /** The PENDING payments a pass claims, and how long a claim keeps them from other instances. */
  readonly claim: Omit<ClaimOptions, 'limit'>;

  constructor(
    private readonly store: SaleStore,
    private readonly reservations: ReservationService,
    private readonly provider: PaymentProvider,
    private readonly records: PaymentRecords,
    settings: { payment: Config['payment'] },
    private readonly logger: Logger,
  ) {
    // A claimed row is left alone by other instances while one settles it.
    this.claim = paymentOutboxes.pendingAttempts(
      Math.max(30_000, settings.payment.recoveryAfterSeconds * 1000),
    );
  }

  /**
   * Settles up to `limit` PENDING payments per call. Only rows whose `next_attempt_at` is due are
   * looked at: `PAYMENT_RECOVERY_AFTER_SECONDS` after the attempt started, so a `pay` still in
   * flight is never touched. A short transaction claims them (SKIP LOCKED) and leases them; each
   * is then settled outside any transaction, with guarded updates (`status = 'PENDING'`), so
   * several instances can run this at once.
   */
  async recover(em: EntityManager, limit = 100): Promise<RecoveryOutcome> {
    const outcome: RecoveryOutcome = { paid: 0, voided: 0, waiting: 0 };
    const rows = await claimDue<PaymentRow & { attempts: number }>(em, { ...this.claim, limit });
    for (const row of rows) {
      try {
        outcome[await this.recoverOne(row)]++;
      } catch (err) {
        // Left PENDING: claimed again when its lease is over.
        this.logger.warn(
          { err, paymentId: row.id, reservationId: row.reservation_id },
          'pending payment not settled yet',
        );
      }
    }
    return outcome;
  }

  private async recoverOne(row: PaymentRow): Promise<keyof RecoveryOutcome> {
    // One read of the record (HGETALL is atomic): status, claim, lease and paying payment come
    // from one instant. A claim that is not this payment's never becomes it again (claims are
    // fresh ids), so "not PAYING or PAID by it" means pay.lua can never succeed with it.
    for (let look = 0; look < 2; look++) {
      const record = await this.store.reservations.record(row.reservation_id);
      if (record?.status === 'PAID' && record.paymentId === row.id) {
        return this.markPaid(row, record.paidAt > 0 ? new Date(record.paidAt) : new Date());
      }
      if (!record || record.status !== 'PAYING' || record.claim?.paymentId !== row.id) break;
      // pay.lua can still succeed with this payment while it holds the claim. The claim is broken
      // (release.lua, atomically against pay.lua) only once the hold and its lease are over (by
      // Redis time, as the scripts read it), so a slow pay() is never cut off.
      const redisNow = await this.store.now();
      const due = Math.max(record.holdExpiresAt.getTime(), record.claim.leaseUntil.getTime());
      if (due > redisNow) {
        await this.records.postpone(
          row.id,
          new Date(Date.now() + (due - redisNow) + AFTER_HOLD_MS),
        );
        return 'waiting';
      }
      const { paidAt: _p, claim: _c, ...view } = record;
      if (
        await this.reservations.release(
          { id: row.reservation_id, ...view },
          'EXPIRED',
          false,
          row.id,
        )
      )
        break;
      // pay.lua won meanwhile (or another release): read again.
    }
    const outcome = await closeAttempt(this.provider, this.records, row, this.retryAt());
    this.logger.warn(
      { paymentId: row.id, reservationId: row.reservation_id, outcome },
      'pending payment refunded',
    );
    return outcome;
  }

  private async markPaid(row: PaymentRow, paidAt: Date): Promise<keyof RecoveryOutcome> {
    try {
      await this.records.markPaid(row, paidAt);
    } catch (err) {
      if (!(err instanceof ReservationAlreadyPaid)) throw err;
      // Another payment of the reservation is the paid one (a lost Redis write let a second
      // attempt through): this charge goes back.
      return closeAttempt(this.provider, this.records, row, this.retryAt());
    }
    this.logger.warn(
      { paymentId: row.id, reservationId: row.reservation_id },
      'pending payment recovered as paid',
    );
    return 'paid';
  }

  private retryAt(): Date {
    return new Date(Date.now() + AFTER_HOLD_MS * 5);
  }
}

/**
 * Gives back whatever the provider took for an attempt that can never be paid, and closes it VOID
 * only once the provider says it keeps nothing (no charge, or refunded). A charge the provider
 * has received but not booked yet cannot be refunded yet: the row stays PENDING and the recovery
 * asks again from `retryAt`. Returns 'voided' or 'waiting'.
 */
export async function closeAttempt(
  provider: PaymentProvider,
  records: PaymentRecords,
  row: Pick<PaymentRow, 'id' | 'amount'>,
  retryAt: Date,
): Promise<'voided' | 'waiting'> {
  await provider.refund(row.id, Number(row.amount));
  const state = await provider.state(row.id);
  if (state === 'NONE' || state === 'REFUNDED') {
    await records.settle(row.id, PaymentStatus.VOID);
    return 'voided';
  }
  await records.postpone(row.id, retryAt);
  return 'waiting';
}
