import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../logger';
import type { PaymentEventPublisher } from '../services/payments/events';
import type { PaymentRefundService } from '../services/payments/refund.service';
import type { PaymentService } from '../services/payments/payment.service';
import { createPoller, type Worker } from './poller';

/** Sends payment events the fast path could not deliver, until Kafka acknowledges them. */
export function createPaymentRelay(
  events: PaymentEventPublisher,
  intervalMs: number,
  logger: Logger,
): Worker {
  return createPoller('payment-relay', intervalMs, () => events.relay(), logger);
}

/**
 * Settles payments a crashed or failed `pay` left PENDING: paid ones are completed (their order
 * follows), the others refunded and voided once their reservation can no longer be paid.
 */
export function createPaymentRecovery(
  payments: PaymentService,
  em: EntityManager,
  intervalMs: number,
  logger: Logger,
): Worker {
  return createPoller(
    'payment-recovery',
    intervalMs,
    async () => {
      const { paid, voided, waiting } = await payments.recover(em);
      return paid + voided + waiting;
    },
    logger,
  );
}

/** Gives back the money of owed refunds (cancelled, returned or unplaceable paid payments). */
export function createPaymentRefunds(
  refunds: PaymentRefundService,
  intervalMs: number,
  logger: Logger,
): Worker {
  return createPoller('payment-refunds', intervalMs, () => refunds.refundDue(), logger);
}
