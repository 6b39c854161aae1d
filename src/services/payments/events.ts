import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '../../clients/topics';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { KafkaOutbox } from '../common/kafka-outbox';
import { paymentOutboxes } from './payment-table';
import {
  encode,
  fromRow,
  type PaidPaymentRow,
  type PaymentCompletedEvent,
} from './payment-completed';

export type { PaymentCompletedEvent } from './payment-completed';

type OutboxRow = PaidPaymentRow & { attempts: number };

/**
 * Events queued this long are sent together; a full batch goes at once. Each send costs the
 * broker client about as much as a dozen events: 50 ms gathers dozens per send in a sale.
 */
const BATCH_MS = 50;
const BATCH_SIZE = 500;

/**
 * The outbox of `payment.completed`, for payments marked PAID: the payment row is the durable
 * record. A paid payment's event is pushed at once (the fast path, batched over `BATCH_MS`), and
 * its row marked published when Kafka acknowledges it; a send that fails leaves `published_at`
 * null and `run()` (the payment relay worker) sends it again until Kafka acknowledges it, backing
 * off between tries. While the broker is slow or away, the fast path leaves new events to the
 * relay too. (A lease that runs out during a send lets another relay send the rows again: the
 * order writer dedupes by payment id.)
 */
export class PaymentEventPublisher extends KafkaOutbox<OutboxRow, PaymentCompletedEvent> {
  constructor(kafka: Kafka, em: EntityManager, config: Config, logger: Logger) {
    super({
      kafka,
      config: config.kafka,
      em,
      logger,
      topic: KAFKA_TOPICS.paymentCompleted,
      rows: {
        ...paymentOutboxes.eventsUnpublished(config.payment.relayLeaseSeconds * 1000),
        // Short and capped: once the broker is back, waiting payments go out within seconds.
        backoff: { baseMs: 500, maxMs: 5_000 },
      },
      eventsOf: (rows) => rows.map(fromRow),
      encode,
      rowId: (e) => e.paymentId,
      batchMs: BATCH_MS,
      batchSize: BATCH_SIZE,
    });
  }
}
