import { randomUUID } from 'node:crypto';
import { Histogram, type Registry } from 'prom-client';
import type { Config } from '../../config';
import { PaymentStatus } from '../../entities/payment.entity';
import { isUnavailable, NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import type { PaymentProvider } from './provider';
import type { ClaimOutcome } from '../sale/reservation.types';
import { ReservationAlreadyPaid, type PaymentRecords, type PaymentRow } from './records';
import { closeAttempt, paidAtOf } from './recovery.service';
import type {
  ReservationService,
  ReservationState,
  ReservationView,
} from '../sale/reservation.service';
import type { SaleStore } from '../sale/sale-store';

export type PayOutcome =
  | {
      kind: 'paid';
      payment: { id: string; amount: number; paidAt: Date };
      reservation: ReservationView;
    }
  | { kind: 'declined'; reservationId: string; reason: string }
  /** Another attempt has claimed the reservation and is being charged: no second charge. */
  | { kind: 'inProgress'; reservationId: string; paymentId: string }
  | { kind: 'expired'; reservationId: string; status: ReservationState };

/** The longest an approved charge keeps asking a store that cannot answer to mark it paid. */
const MARK_PAID_RETRY_MAX_MS = 30_000;

/** How long a claim the store may have taken before it stopped answering is given back for. */
const UNCLAIM_RETRY_MS = 10_000;

/**
 * Calls `fn` again, with a short backoff, while it fails because a store cannot answer (a Redis
 * Cluster failing over), until `deadline` (epoch ms); then, or on any other error, throws.
 */
async function whileUnavailable<T>(
  fn: () => Promise<T>,
  deadline: number,
  onRetry?: (err: Error) => void,
): Promise<T> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isUnavailable(err) || Date.now() + delay > deadline) throw err;
      onRetry?.(err as Error);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** The steps of `pay`, as `payment_step_duration_seconds` labels them. */
type Step = 'claim' | 'record' | 'charge' | 'mark_paid' | 'paid_row';

/**
 * Pays a held reservation through the payment provider, without ever leaving a charge unrecorded:
 *
 * 0. pay-claim.lua claims the reservation for this attempt (HELD → PAYING with a lease of
 *    `PAYMENT_CLAIM_LEASE_SECONDS`): a concurrent `pay` gets `inProgress`, never a second charge;
 *    the sweeper leaves a claimed reservation alone until its hold and lease are over;
 * 1. a `payments` row is written PENDING (it is also the outbox of the `payment.completed` event);
 * 2. the provider is charged (idempotent by payment id);
 * 3. decline → the reservation's units go back (release.lua, once), the row becomes DECLINED;
 *    approval → pay.lua moves the reservation PAYING → PAID, if this attempt still holds the claim
 *    (if a release broke it, the charge is refunded and the row becomes VOID);
 * 4. the row is marked PAID and the event is sent at once (the relay retries it if that fails).
 *
 * The rows of concurrent pays are written together (PaymentRecords' group commits). A crash or a
 * MySQL error between 2 and 4 leaves a PENDING row; PaymentRecoveryService settles it once its
 * `pay` cannot be in flight any more (`PAYMENT_RECOVERY_AFTER_SECONDS`).
 *
 * Each step's time, queueing included, is in `payment_step_duration_seconds{step}`: `claim`
 * (0), `record` (1), `charge` (2), `mark_paid` (pay.lua, 3) and `paid_row` (4). In a sale it shows
 * which of Redis, MySQL and the provider a slow `pay` waits for.
 */
export class PaymentService {
  private readonly recoveryAfterMs: number;
  private readonly claimLeaseMs: number;
  private readonly stepTime: Histogram<'step'>;

  constructor(
    private readonly store: SaleStore,
    private readonly reservations: ReservationService,
    private readonly provider: PaymentProvider,
    private readonly records: PaymentRecords,
    settings: { payment: Config['payment'] },
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.recoveryAfterMs = settings.payment.recoveryAfterSeconds * 1000;
    this.claimLeaseMs = settings.payment.claimLeaseSeconds * 1000;
    this.stepTime = new Histogram({
      name: 'payment_step_duration_seconds',
      help: 'Time of each completed step of pay, waiting included: claim (pay-claim.lua), record (the PENDING row), charge (the provider), mark_paid (pay.lua), paid_row (PENDING to PAID)',
      labelNames: ['step'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  async pay(userId: number, reservationId: string): Promise<PayOutcome> {
    // One attempt at a time reaches the provider: the reservation is claimed for this payment
    // (HELD → PAYING), and read, in one script call before anything is recorded or charged; a
    // concurrent pay is told so.
    const paymentId = randomUUID();
    let started = performance.now();
    let claim: ClaimOutcome;
    try {
      claim = await this.reservations.claim(userId, reservationId, paymentId, this.claimLeaseMs);
    } catch (err) {
      // The claim may have been taken before the store stopped answering (a failover): given back
      // once the store answers again, so that the buyer's retry is not told inProgress until the
      // hold ends. Nothing was recorded or charged yet.
      if (isUnavailable(err)) {
        await whileUnavailable(
          () => this.reservations.unclaim({ id: reservationId, userId }, paymentId),
          Date.now() + UNCLAIM_RETRY_MS,
        ).catch(() => undefined);
      }
      throw err;
    }
    started = this.lap('claim', started);
    switch (claim.kind) {
      case 'claimed':
        break;
      case 'inProgress':
        return { kind: 'inProgress', reservationId, paymentId: claim.paymentId };
      case 'missing':
        throw new NotFoundError('Reservation', reservationId);
      case 'expired':
        await this.reservations.release(claim.reservation, 'EXPIRED', true);
        return { kind: 'expired', reservationId, status: 'EXPIRED' };
      case 'status':
        if (claim.status === 'PAID') return this.alreadyPaid(claim.reservation);
        return { kind: 'expired', reservationId, status: claim.status };
    }
    const { reservation } = claim;

    const createdAt = new Date();
    const row: PaymentRow = {
      id: paymentId,
      reservation_id: reservationId,
      user_id: userId,
      amount: reservation.totalAmount,
      items: reservation.items,
      status: PaymentStatus.PENDING,
      created_at: createdAt,
      paid_at: null,
    };
    // Recorded (committed with the rows of concurrent pays) before any money moves; the recovery
    // looks at it only once this pay() is over.
    try {
      await this.records.recordPending(row, new Date(createdAt.getTime() + this.recoveryAfterMs));
    } catch (err) {
      // Nothing was charged: the reservation can be paid again at once.
      await this.reservations.unclaim(reservation, paymentId).catch(() => undefined);
      throw err;
    }
    started = this.lap('record', started);

    // A charge that throws may or may not have taken money: the row stays PENDING, the claim
    // stays, and the recovery refunds it once the claim's lease and the hold are over.
    const outcome = await this.provider.charge({
      paymentId,
      userId,
      amount: reservation.totalAmount,
    });
    started = this.lap('charge', started);
    if (!outcome.approved) {
      await this.reservations.release(reservation, 'DECLINED', false, paymentId);
      await this.records.settle(paymentId, PaymentStatus.DECLINED);
      return { kind: 'declined', reservationId, reason: outcome.reason };
    }

    const result = await this.markPaid(
      reservation,
      paymentId,
      Math.max(reservation.holdExpiresAt.getTime(), claim.leaseUntil.getTime()),
    );
    started = this.lap('mark_paid', started);
    if (result !== 'OK') {
      // The claim was broken (its lease ran out and the sweeper or recovery released it): this
      // charge is given back (VOID once the provider keeps nothing; else the recovery finishes).
      await closeAttempt(this.provider, this.records, row, this.recoveryAt());
      const now = await this.reservations.find(reservationId);
      if (now?.status === 'PAID') return this.alreadyPaid(now);
      return { kind: 'expired', reservationId, status: now?.status ?? 'EXPIRED' };
    }

    const paidAt = new Date();
    try {
      await this.records.markPaid(row, paidAt);
    } catch (err) {
      if (err instanceof ReservationAlreadyPaid) {
        // MySQL holds another payment of this reservation as paid (Redis lost that write and
        // let this attempt through): this charge goes back, the buyer hears of the paid one.
        await closeAttempt(this.provider, this.records, row, this.recoveryAt());
        const paidRow = await this.records.find(null, reservationId);
        if (paidRow) await this.store.reservations.repointPaid(reservation, paidRow.id);
        return this.alreadyPaid({ ...reservation, status: 'PAID', paymentId: paidRow?.id ?? null });
      }
      // Charged and paid in Redis; the PENDING row is marked PAID by the recovery, the order follows.
      this.logger.error(
        { err, paymentId, reservationId },
        'paid payment not marked yet; the recovery completes it',
      );
    }
    this.lap('paid_row', started);

    const paid: ReservationView = { ...reservation, status: 'PAID', paymentId };
    this.reservations.notify(paid);
    return {
      kind: 'paid',
      payment: { id: paymentId, amount: row.amount, paidAt },
      reservation: paid,
    };
  }

  /** When the recovery looks again at an attempt left PENDING now. */
  private recoveryAt(): Date {
    return new Date(Date.now() + this.recoveryAfterMs);
  }

  /**
   * pay.lua for an approved charge. A store that cannot answer (a Redis Cluster failing over) is
   * asked again until the claim could be broken (`claimedUntil`: the end of the hold and of the
   * lease, when the sweeper or the recovery may release it), at most `MARK_PAID_RETRY_MAX_MS`:
   * otherwise the charge would stay PENDING, the buyer told `PaymentInProgressError` until the
   * hold ends, and then refunded and the unit released. Repeating pay.lua is safe: it is atomic
   * against release.lua, and answers OK again when this payment had already marked it paid.
   */
  private async markPaid(
    reservation: ReservationView,
    paymentId: string,
    claimedUntil: number,
  ): Promise<string> {
    return whileUnavailable(
      () => this.store.reservations.markPaid(reservation, paymentId),
      Math.min(claimedUntil, Date.now() + MARK_PAID_RETRY_MAX_MS),
      (err) =>
        this.logger.warn(
          { err: err.message, paymentId, reservationId: reservation.id },
          'charged, the store cannot mark the reservation paid yet; asking again',
        ),
    );
  }

  /** Records the time of a step that started at `since`; returns now, when the next one starts. */
  private lap(step: Step, since: number): number {
    const now = performance.now();
    this.stepTime.observe({ step }, (now - since) / 1000);
    return now;
  }

  private async alreadyPaid(reservation: ReservationView): Promise<PayOutcome> {
    let row = await this.records.find(reservation.paymentId, reservation.id);
    // Redis may name an attempt MySQL closed (a write lost, then repaired): MySQL decides.
    if (row && (row.status === PaymentStatus.VOID || row.status === PaymentStatus.DECLINED))
      row = await this.records.find(null, reservation.id);
    if (!row) return { kind: 'expired', reservationId: reservation.id, status: 'EXPIRED' };
    let paidAt = row.paid_at ? new Date(row.paid_at) : null;
    if (!paidAt) {
      // Redis has it paid with this payment: its own pay() crashed or is just finishing.
      paidAt = await paidAtOf(this.store, reservation);
      await this.records.markPaid(row, paidAt);
    }
    return {
      kind: 'paid',
      payment: { id: row.id, amount: Number(row.amount), paidAt },
      reservation,
    };
  }
}
