import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { PaymentStatus } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { claimDue, type ClaimOptions } from '../common/outbox-relay';
import type { PaymentProvider } from './provider';
import { ROW_COLUMNS, type PaymentRecords, type PaymentRow } from './records';
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
    this.claim = {
      table: 'payments',
      columns: ROW_COLUMNS,
      // published_at is null on every PENDING row; it lets the scan use the whole status index.
      pending: "status = 'PENDING' and published_at is null",
      // A claimed row is left alone by other instances while one settles it.
      leaseMs: Math.max(30_000, settings.payment.recoveryAfterSeconds * 1000),
    };
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
    let reservation = await this.reservations.find(row.reservation_id);
    const claim =
      reservation?.status === 'PAYING' ? await this.reservations.claimOf(row.reservation_id) : null;
    if (reservation && claim?.paymentId === row.id) {
      // pay.lua can still succeed with this payment while it holds the claim. The claim is broken
      // (release.lua, atomically against pay.lua) only once the hold and its lease are over (by
      // Redis time, as the scripts read it), so a slow pay() is never cut off.
      const redisNow = await this.store.now();
      const due = Math.max(reservation.holdExpiresAt.getTime(), claim.leaseUntil.getTime());
      if (due > redisNow) {
        await this.records.postpone(
          row.id,
          new Date(Date.now() + (due - redisNow) + AFTER_HOLD_MS),
        );
        return 'waiting';
      }
      if (!(await this.reservations.release(reservation, 'EXPIRED', false, row.id)))
        reservation = await this.reservations.find(row.reservation_id);
    }
    if (reservation?.status === 'PAID' && reservation.paymentId === row.id) {
      await this.records.markPaid(row, await paidAtOf(this.store, reservation));
      this.logger.warn(
        { paymentId: row.id, reservationId: row.reservation_id },
        'pending payment recovered as paid',
      );
      return 'paid';
    }
    // pay.lua needs the reservation claimed by this payment: it never will be again. Give back
    // whatever the provider took (a refund of a charge that never happened does nothing), then
    // close the attempt.
    await this.provider.refund(row.id, Number(row.amount));
    await this.records.settle(row.id, PaymentStatus.VOID);
    this.logger.warn(
      { paymentId: row.id, reservationId: row.reservation_id, reservation: reservation?.status },
      'pending payment refunded and voided',
    );
    return 'voided';
  }
}
