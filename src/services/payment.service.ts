import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { AppRedis } from '../clients/redis';
import { Payment } from '../entities/payment.entity';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { PaymentEventPublisher } from './payment-events.service';
import type { PaymentProvider } from './payment-provider.service';
import type { ReservationService, ReservationState, ReservationView } from './reservation.service';
import { saleKeys } from './stock.service';

export type PayOutcome =
  | {
      kind: 'paid';
      payment: { id: string; amount: number; paidAt: Date };
      reservation: ReservationView;
    }
  | { kind: 'declined'; reservationId: string; reason: string }
  | { kind: 'expired'; reservationId: string; status: ReservationState };

const KEEP_PAID_RECORD_MS = 30 * 24 * 3600 * 1000;
/** The fast path sends at once; the relay only picks up rows still unsent after this delay. */
const RELAY_GRACE_MS = 3000;

/**
 * Pays a held reservation through the payment provider. Decline → the reservation's units go
 * back (release.lua, once). Approval → pay.lua moves it HELD → PAID atomically against a racing
 * release; if the release won, the charge is refunded. A paid reservation is recorded in MySQL
 * (the `payments` row doubles as the outbox of its `payment.completed` event) before returning.
 */
export class PaymentService {
  constructor(
    private readonly redis: AppRedis,
    private readonly reservations: ReservationService,
    private readonly provider: PaymentProvider,
    private readonly events: PaymentEventPublisher,
    private readonly logger: Logger,
  ) {}

  async pay(em: EntityManager, userId: number, reservationId: string): Promise<PayOutcome> {
    const reservation = await this.reservations.get(userId, reservationId);
    if (reservation.status === 'PAID') return this.alreadyPaid(em, reservation);
    if (reservation.status !== 'HELD')
      return { kind: 'expired', reservationId, status: reservation.status };
    if (reservation.holdExpiresAt.getTime() <= Date.now()) {
      await this.reservations.release(reservation, 'EXPIRED', true);
      return { kind: 'expired', reservationId, status: 'EXPIRED' };
    }

    const paymentId = randomUUID();
    const outcome = await this.provider.charge({
      paymentId,
      userId,
      amount: reservation.totalAmount,
    });
    if (!outcome.approved) {
      await this.reservations.release(reservation, 'DECLINED');
      return { kind: 'declined', reservationId, reason: outcome.reason };
    }

    const keys = [saleKeys(reservation.items[0].productId).reservation(reservationId)];
    for (const item of reservation.items) {
      const k = saleKeys(item.productId);
      keys.push(k.holdQty, k.holds, k.paidQty);
    }
    const [result] = await this.redis.salePay(
      keys.length,
      ...keys,
      reservationId,
      paymentId,
      userId,
      KEEP_PAID_RECORD_MS,
    );
    if (result !== 'OK') {
      // A release (expiry) or another payment won the race: this charge is given back.
      await this.provider.refund(paymentId, reservation.totalAmount);
      if (result === 'EXPIRED') await this.reservations.release(reservation, 'EXPIRED', true);
      const now = await this.reservations.find(reservationId);
      if (now?.status === 'PAID') return this.alreadyPaid(em, now);
      return { kind: 'expired', reservationId, status: now?.status ?? 'EXPIRED' };
    }

    const paidAt = new Date();
    const payment = {
      id: paymentId,
      reservationId,
      userId,
      amount: reservation.totalAmount,
      items: reservation.items,
      paidAt,
    };
    try {
      // One plain insert: this is the hot path of a sale (the row is also the event's outbox entry).
      await em.getConnection().execute(
        `insert into payments (id, reservation_id, user_id, amount, items, paid_at, attempts, next_attempt_at)
         values (?, ?, ?, ?, ?, ?, 0, ?)`,
        [
          paymentId,
          reservationId,
          userId,
          payment.amount,
          JSON.stringify(payment.items),
          paidAt,
          new Date(paidAt.getTime() + RELAY_GRACE_MS),
        ],
        'run',
      );
    } catch (err) {
      // Charged and marked paid in Redis, but not recorded: needs an operator (refund or replay).
      this.logger.error(
        { err, paymentId, reservationId },
        'paid reservation could not be recorded',
      );
      throw err;
    }
    this.events.enqueue(payment);

    const paid: ReservationView = { ...reservation, status: 'PAID', paymentId };
    this.reservations.notify(paid);
    return {
      kind: 'paid',
      payment: { id: paymentId, amount: payment.amount, paidAt },
      reservation: paid,
    };
  }

  private async alreadyPaid(em: EntityManager, reservation: ReservationView): Promise<PayOutcome> {
    const payment = await em.fork().findOne(Payment, { reservationId: reservation.id });
    if (!payment) throw new NotFoundError('Payment of reservation', reservation.id);
    return {
      kind: 'paid',
      payment: { id: payment.id, amount: payment.amount, paidAt: payment.paidAt },
      reservation,
    };
  }
}
