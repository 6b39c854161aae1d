import type { EntityManager } from '@mikro-orm/mysql';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../config';
import { RefundReason } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { OutboxRelay } from '../common/outbox-relay';
import type { PaymentCompletedEvent } from './payment-completed';
import { paymentOutboxes, paymentTable } from './payment-table';
import type { PaymentProvider } from './provider';
import type { ReservationService } from '../sale/reservation.service';
import type { StockDriftRepair } from '../sale/stock-drift';

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
    private readonly drift: StockDriftRepair,
    settings: Config['payment'],
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.outbox = new OutboxRelay<OwedRow>(
      em,
      {
        name: 'refunds',
        ...paymentOutboxes.refundsOwed(settings.refundLeaseSeconds * 1000),
        limit: 100,
        // Up to a minute between two tries of a refund the provider did not take.
        backoff: { baseMs: 1000, maxMs: 60_000 },
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
  owe(em: EntityManager, orderId: number, reason: RefundReason): Promise<boolean> {
    return paymentTable.oweRefund(em, { orderId }, reason);
  }

  /**
   * Settles a paid payment whose event cannot become an order (the order writer's stock guard
   * refused it): the refund is owed, the paid units leave the reservation (it becomes REFUNDED,
   * which its `reservationChanged` watchers see) without being credited to the live counter: a
   * refusal proves the counter too high, so it is rebuilt from MySQL instead (StockDriftRepair).
   * The metric counts it and an error is logged. False when no paid payment has this id: the
   * event is not a payment (dead-letter it).
   */
  async settleUnplaceable(
    event: Pick<PaymentCompletedEvent, 'paymentId' | 'reservationId'>,
    why: string,
  ): Promise<boolean> {
    const em = this.em.fork();
    const owed = await paymentTable.oweRefund(
      em,
      { paymentId: event.paymentId },
      RefundReason.UNPLACEABLE,
      why,
    );
    if (!owed) {
      // A redelivered event of a payment already settled this way: settle the units again (once).
      if ((await paymentTable.refundReasonOf(em, event.paymentId)) !== RefundReason.UNPLACEABLE)
        return false;
    } else {
      this.unplaceable.inc();
      this.logger.error(
        { paymentId: event.paymentId, reservationId: event.reservationId, reason: why },
        'paid payment cannot become an order: refunding it and releasing its units',
      );
    }
    const reservation = await this.reservations.find(event.reservationId);
    if (!reservation) return true;
    const released = await this.reservations.release(
      reservation,
      'REFUNDED',
      false,
      event.paymentId,
      false,
    );
    for (const item of reservation.items)
      await this.drift.repair(em, item.productId, released ? item.quantity : 0, why);
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
