import type { EntityManager } from '@mikro-orm/mysql';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../config';
import { RefundReason } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { OutboxRelay } from '../common/outbox-relay';
import type { PaymentCompletedEvent } from './payment-completed';
import type { PaymentProvider } from './provider';
import type { ReservationService } from '../sale/reservation.service';

interface OwedRow {
  id: string;
  refund_amount: number;
  attempts: number;
}

/**
 * Refunds of paid payments, exactly once. What owes a refund (an order cancelled or returned, a
 * payment that cannot become an order) marks its payment REFUNDING in the same transaction as
 * its own change (`owe`), so a crash after the commit never loses it. `refundDue` (the refund
 * worker) claims owed refunds with a lease, asks the provider to refund them (idempotent by
 * payment id: a refund repeated after a crash gives the money back once) and marks them REFUNDED;
 * a provider failure is retried with a capped backoff. The owed payments are an outbox of the
 * shared relay.
 */
export class PaymentRefundService {
  readonly outbox: OutboxRelay<OwedRow>;
  private readonly unplaceable: Counter;

  constructor(
    private readonly em: EntityManager,
    private readonly provider: PaymentProvider,
    private readonly reservations: ReservationService,
    settings: Config['payment'],
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.outbox = new OutboxRelay<OwedRow>(
      em,
      {
        name: 'refunds',
        table: 'payments',
        columns: 'id, refund_amount, attempts',
        pending: "status = 'REFUNDING'",
        // The order of the status index: owed refunds are claimed without sorting (published
        // or not, their events are out already), so concurrent workers each get their own.
        orderBy: 'published_at, next_attempt_at',
        limit: 100,
        leaseMs: settings.refundLeaseSeconds * 1000,
        // Up to a minute between two tries of a refund the provider did not take.
        backoff: { baseMs: 1000, maxMs: 60_000 },
        delivered: "status = 'REFUNDED', refunded_at = now(3)",
        mode: 'each',
        deliver: async ([row]) => provider.refund(row.id, Number(row.refund_amount)),
      },
      logger,
    );
    this.unplaceable = new Counter({
      name: 'payments_unplaceable_total',
      help: 'Paid payments whose event could not become an order: refunded and released',
      registers: [registry],
    });
  }

  /**
   * Owes the refund of order `orderId`'s payment (PAID → REFUNDING), on `em`'s connection: call
   * it inside the transaction of the status change that owes it. False when the payment is not
   * PAID (already owed or refunded).
   */
  async owe(em: EntityManager, orderId: number, reason: RefundReason): Promise<boolean> {
    const res = await em.execute<{ affectedRows: number }>(
      `update payments p join orders o on o.payment_id = p.id
         set p.status = 'REFUNDING', p.refund_amount = p.amount, p.refund_reason = ?,
             p.refund_requested_at = now(3), p.next_attempt_at = now(3), p.attempts = 0,
             p.last_error = null
       where o.id = ? and p.status = 'PAID'`,
      [reason, orderId],
      'run',
    );
    return res.affectedRows === 1;
  }

  /**
   * Settles a paid payment whose event cannot become an order (the order writer's stock guard
   * refused it): the refund is owed, the paid units go back on sale (the reservation becomes
   * REFUNDED, which its `reservationChanged` watchers see), the metric counts it and an error is
   * logged. False when no paid payment has this id: the event is not a payment (dead-letter it).
   */
  async settleUnplaceable(
    event: Pick<PaymentCompletedEvent, 'paymentId' | 'reservationId'>,
    why: string,
  ): Promise<boolean> {
    const conn = this.em.fork().getConnection();
    const owed = await conn.execute<{ affectedRows: number }>(
      `update payments set status = 'REFUNDING', refund_amount = amount, refund_reason = ?,
         refund_requested_at = now(3), next_attempt_at = now(3), attempts = 0, last_error = ?
       where id = ? and status = 'PAID'
         and not exists (select 1 from orders o where o.payment_id = payments.id)`,
      [RefundReason.UNPLACEABLE, why.slice(0, 500), event.paymentId],
      'run',
    );
    if (owed.affectedRows !== 1) {
      // A redelivered event of a payment already settled this way: settle the units again (once).
      const [row] = await conn.execute<{ refund_reason: string | null }[]>(
        'select refund_reason from payments where id = ?',
        [event.paymentId],
      );
      if (row?.refund_reason !== RefundReason.UNPLACEABLE) return false;
    } else {
      this.unplaceable.inc();
      this.logger.error(
        { paymentId: event.paymentId, reservationId: event.reservationId, reason: why },
        'paid payment cannot become an order: refunding it and releasing its units',
      );
    }
    const reservation = await this.reservations.find(event.reservationId);
    if (reservation)
      await this.reservations.release(reservation, 'REFUNDED', false, event.paymentId);
    return true;
  }

  /**
   * One refund worker pass: refunds up to `limit` owed payments that are due. Several workers may
   * run at once (rows are claimed with SKIP LOCKED and a lease). Returns how many it refunded.
   */
  refundDue(limit = 100): Promise<number> {
    return this.outbox.run(limit);
  }
}
