import type { Logger } from '../logger';
import type { PaymentEventPublisher } from '../services/payment-events.service';
import { createPoller, type Worker } from './poller';

/** Sends payment events the fast path could not deliver, until Kafka acknowledges them. */
export function createPaymentRelay(
  events: PaymentEventPublisher,
  intervalMs: number,
  logger: Logger,
): Worker {
  return createPoller('payment-relay', intervalMs, () => events.relay(), logger);
}
