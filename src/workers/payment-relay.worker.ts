import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/** Sends payment events the fast path could not deliver, until Kafka acknowledges them. */
export function createPaymentRelay({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'payment-relay',
    config.sale.outboxPollIntervalMs,
    () => services.paymentEvents.run(),
    logger,
  );
}

/**
 * The backstop behind the relay: sends again the events of paid payments that Kafka acknowledged
 * but the order writer, having read past them, never turned into an order.
 */
export function createLostEventCheck({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'lost-payment-events',
    config.payment.lostEventCheckIntervalMs,
    () => services.lostPaymentEvents.check(),
    logger,
  );
}

/**
 * Settles payments a crashed or failed `pay` left PENDING: paid ones are completed (their order
 * follows), the others refunded and voided once their reservation can no longer be paid.
 */
export function createPaymentRecovery({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'payment-recovery',
    config.payment.recoveryIntervalMs,
    async () => {
      const { paid, voided, waiting } = await services.paymentRecovery.recover(services.orm.em);
      return paid + voided + waiting;
    },
    logger,
  );
}

/** Gives back the money of owed refunds (cancelled, returned or unplaceable paid payments). */
export function createPaymentRefunds({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'payment-refunds',
    config.payment.refundIntervalMs,
    () => services.refunds.refundDue(),
    logger,
  );
}
