import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { PaymentStatus, paymentItems, type PaymentItem } from '../../entities/payment.entity';
import { NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import { claimDuePayments } from './claims';
import type { PaymentEventPublisher } from './events';
import type { PaymentProvider } from './provider';
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

/** What the recovery did with the payments it claimed. */
export interface RecoveryOutcome {
  /** Redis had the reservation paid with this payment: now PAID, its event on its way. */
  paid: number;
  /** The reservation can no longer be paid with it: refunded at the provider, now VOID. */
  voided: number;
  /** Its reservation can still be paid (claim and hold not over): looked at again after both. */
  waiting: number;
}

interface PaymentRow {
  id: string;
  reservation_id: string;
  user_id: number;
  amount: number;
  items: string | PaymentItem[];
  status: PaymentStatus;
  created_at: Date;
  paid_at: Date | null;
}

/** The fast path sends at once; the relay only picks up rows still unsent after this delay. */
const RELAY_GRACE_MS = 3000;
/** Slack past a hold's end before the recovery looks at its payment again. */
const AFTER_HOLD_MS = 1000;

const ROW_COLUMNS = 'id, reservation_id, user_id, amount, items, status, created_at, paid_at';

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
 * A crash or a MySQL error between 2 and 4 leaves a PENDING row; `recover` settles it once its
 * `pay` cannot be in flight any more (`PAYMENT_RECOVERY_AFTER_SECONDS`): PAID if Redis has the
 * reservation paid with it, otherwise, once the claim's lease and the hold are over, the claim is
 * broken (release.lua), the charge refunded and the row VOID.
 */
export class PaymentService {
  private readonly recoveryAfterMs: number;
  private readonly leaseMs: number;
  private readonly claimLeaseMs: number;

  constructor(
    private readonly store: SaleStore,
    private readonly reservations: ReservationService,
    private readonly provider: PaymentProvider,
    private readonly events: PaymentEventPublisher,
    settings: { sale: Config['sale']; payment: Config['payment'] },
    private readonly logger: Logger,
  ) {
    this.recoveryAfterMs = settings.payment.recoveryAfterSeconds * 1000;
    // A claimed row is left alone by other instances while one settles it.
    this.leaseMs = Math.max(30_000, this.recoveryAfterMs);
    this.claimLeaseMs = settings.payment.claimLeaseSeconds * 1000;
  }

  async pay(em: EntityManager, userId: number, reservationId: string): Promise<PayOutcome> {
    const reservation = await this.reservations.get(userId, reservationId);
    if (reservation.status === 'PAID') return this.alreadyPaid(em, reservation);
    if (reservation.status === 'PAYING') return this.inProgress(reservation);
    if (reservation.status !== 'HELD')
      return { kind: 'expired', reservationId, status: reservation.status };
    if (reservation.holdExpiresAt.getTime() <= Date.now()) {
      await this.reservations.release(reservation, 'EXPIRED', true);
      return { kind: 'expired', reservationId, status: 'EXPIRED' };
    }

    // One attempt at a time reaches the provider: the reservation is claimed for this payment
    // (HELD → PAYING) before anything is recorded or charged; a concurrent pay is told so.
    const paymentId = randomUUID();
    const claim = await this.reservations.claim(
      userId,
      reservationId,
      paymentId,
      this.claimLeaseMs,
    );
    switch (claim.kind) {
      case 'claimed':
        break;
      case 'inProgress':
        return { kind: 'inProgress', reservationId, paymentId: claim.paymentId };
      case 'missing':
        throw new NotFoundError('Reservation', reservationId);
      case 'expired':
        await this.reservations.release(reservation, 'EXPIRED', true);
        return { kind: 'expired', reservationId, status: 'EXPIRED' };
      case 'status': {
        const now = await this.reservations.find(reservationId);
        if (now?.status === 'PAID') return this.alreadyPaid(em, now);
        return { kind: 'expired', reservationId, status: claim.status };
      }
    }

    const conn = em.getConnection();
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
    // Recorded before any money moves; the recovery looks at it only once this pay() is over.
    try {
      await conn.execute(
        `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, attempts, next_attempt_at)
         values (?, ?, ?, ?, ?, 'PENDING', ?, 0, ?)`,
        [
          paymentId,
          reservationId,
          userId,
          row.amount,
          JSON.stringify(reservation.items),
          createdAt,
          new Date(createdAt.getTime() + this.recoveryAfterMs),
        ],
        'run',
      );
    } catch (err) {
      // Nothing was charged: the reservation can be paid again at once.
      await this.reservations.unclaim(reservation, paymentId).catch(() => undefined);
      throw err;
    }

    // A charge that throws may or may not have taken money: the row stays PENDING, the claim
    // stays, and the recovery refunds it once the claim's lease and the hold are over.
    const outcome = await this.provider.charge({
      paymentId,
      userId,
      amount: reservation.totalAmount,
    });
    if (!outcome.approved) {
      await this.reservations.release(reservation, 'DECLINED', false, paymentId);
      await this.settle(em, paymentId, PaymentStatus.DECLINED);
      return { kind: 'declined', reservationId, reason: outcome.reason };
    }

    const result = await this.store.reservations.markPaid(reservation, paymentId);
    if (result !== 'OK') {
      // The claim was broken (its lease ran out and the sweeper or recovery released it): this
      // charge is given back.
      await this.provider.refund(paymentId, reservation.totalAmount);
      await this.settle(em, paymentId, PaymentStatus.VOID);
      const now = await this.reservations.find(reservationId);
      if (now?.status === 'PAID') return this.alreadyPaid(em, now);
      return { kind: 'expired', reservationId, status: now?.status ?? 'EXPIRED' };
    }

    const paidAt = new Date();
    try {
      await this.markPaid(em, row, paidAt);
    } catch (err) {
      // Charged and paid in Redis; the PENDING row is marked PAID by the recovery, the order follows.
      this.logger.error(
        { err, paymentId, reservationId },
        'paid payment not marked yet; the recovery completes it',
      );
    }

    const paid: ReservationView = { ...reservation, status: 'PAID', paymentId };
    this.reservations.notify(paid);
    return {
      kind: 'paid',
      payment: { id: paymentId, amount: row.amount, paidAt },
      reservation: paid,
    };
  }

  /** Another attempt holds the reservation's claim: its payment id, for the caller to wait on. */
  private async inProgress(reservation: ReservationView): Promise<PayOutcome> {
    const claim = await this.reservations.claimOf(reservation.id);
    return { kind: 'inProgress', reservationId: reservation.id, paymentId: claim?.paymentId ?? '' };
  }

  /**
   * Settles PENDING payments left behind by a crashed or failed `pay`, up to `limit` per call.
   * Only rows whose `next_attempt_at` is due are looked at: `PAYMENT_RECOVERY_AFTER_SECONDS` after
   * the attempt started, so a `pay` still in flight is never touched. A short transaction claims
   * them (SKIP LOCKED) and leases them; each is then settled outside any transaction, with
   * guarded updates (`status = 'PENDING'`), so several instances can run this at once.
   */
  async recover(em: EntityManager, limit = 100): Promise<RecoveryOutcome> {
    const outcome: RecoveryOutcome = { paid: 0, voided: 0, waiting: 0 };
    const rows = await claimDuePayments<PaymentRow>(em, {
      columns: ROW_COLUMNS,
      where: "status = 'PENDING'",
      limit,
      leaseMs: this.leaseMs,
    });
    if (!rows.length) return outcome;
    const fork = em.fork();
    for (const row of rows) {
      try {
        outcome[await this.recoverOne(fork, row)]++;
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

  private async recoverOne(em: EntityManager, row: PaymentRow): Promise<keyof RecoveryOutcome> {
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
        await em
          .getConnection()
          .execute(
            `update payments set next_attempt_at = ? where id = ? and status = 'PENDING'`,
            [new Date(Date.now() + (due - redisNow) + AFTER_HOLD_MS), row.id],
            'run',
          );
        return 'waiting';
      }
      if (!(await this.reservations.release(reservation, 'EXPIRED', false, row.id)))
        reservation = await this.reservations.find(row.reservation_id);
    }
    if (reservation?.status === 'PAID' && reservation.paymentId === row.id) {
      await this.markPaid(em, row, await this.paidAtOf(reservation));
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
    await this.settle(em, row.id, PaymentStatus.VOID);
    this.logger.warn(
      { paymentId: row.id, reservationId: row.reservation_id, reservation: reservation?.status },
      'pending payment refunded and voided',
    );
    return 'voided';
  }

  /**
   * PENDING → PAID (guarded, so exactly one caller wins), then the event goes out at once; the
   * relay picks it up after a short grace if that send fails.
   */
  private async markPaid(em: EntityManager, row: PaymentRow, paidAt: Date): Promise<boolean> {
    const res = await em.getConnection().execute<{ affectedRows: number }>(
      `update payments set status = 'PAID', paid_at = coalesce(paid_at, ?), next_attempt_at = ?
         where id = ? and status = 'PENDING'`,
      [paidAt, new Date(Date.now() + RELAY_GRACE_MS), row.id],
      'run',
    );
    if (res.affectedRows !== 1) return false;
    this.events.enqueue({
      id: row.id,
      reservationId: row.reservation_id,
      userId: Number(row.user_id),
      amount: Number(row.amount),
      items: paymentItems(row.items),
      paidAt,
    });
    return true;
  }

  /** PENDING → DECLINED or VOID; a failure is logged (the recovery settles the row later). */
  private async settle(
    em: EntityManager,
    paymentId: string,
    status: PaymentStatus.DECLINED | PaymentStatus.VOID,
  ): Promise<void> {
    try {
      await em
        .getConnection()
        .execute(
          `update payments set status = ? where id = ? and status = 'PENDING'`,
          [status, paymentId],
          'run',
        );
    } catch (err) {
      this.logger.error({ err, paymentId, status }, 'payment outcome not recorded yet');
    }
  }

  /** When pay.lua marked the reservation paid (Redis time), or now if the record lacks it. */
  private async paidAtOf(reservation: ReservationView): Promise<Date> {
    const at = await this.store.reservations.paidAt(reservation.id);
    return at > 0 ? new Date(at) : new Date();
  }

  private async alreadyPaid(em: EntityManager, reservation: ReservationView): Promise<PayOutcome> {
    const conn = em.getConnection();
    const [row] = reservation.paymentId
      ? await conn.execute<PaymentRow[]>(`select ${ROW_COLUMNS} from payments where id = ?`, [
          reservation.paymentId,
        ])
      : await conn.execute<PaymentRow[]>(
          `select ${ROW_COLUMNS} from payments where reservation_id = ? and status = 'PAID'`,
          [reservation.id],
        );
    if (!row) throw new NotFoundError('Payment of reservation', reservation.id);
    let paidAt = row.paid_at ? new Date(row.paid_at) : null;
    if (!paidAt) {
      // Redis has it paid with this payment: its own pay() crashed or is just finishing.
      paidAt = await this.paidAtOf(reservation);
      await this.markPaid(em, row, paidAt);
    }
    return {
      kind: 'paid',
      payment: { id: row.id, amount: Number(row.amount), paidAt },
      reservation,
    };
  }
}
