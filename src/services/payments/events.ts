import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka } from 'kafkajs';
import { KafkaSender } from '../../clients/producer';
import { KAFKA_TOPICS } from '../../clients/topics';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { OutboxFastPath } from '../common/outbox-fast-path';
import { OutboxRelay } from '../common/outbox-relay';
import {
  encode,
  fromRow,
  PAID_PAYMENT_COLUMNS,
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
 * Events the fast path may hold in memory. Past this, the broker is slow or away: newer events
 * stay in the outbox for the relay instead of waiting in memory.
 */
const MAX_HELD = 4 * BATCH_SIZE;

/**
 * Sends `payment.completed` for payments marked PAID. The payment row is the durable record (the
 * outbox): a paid payment's event is sent at once (the outbox's fast path, batched over
 * `BATCH_MS`), and its row marked published when Kafka acknowledges it; a send that fails leaves
 * `published_at` null and `relay()` (the payment relay worker, on the shared outbox relay) sends
 * it again until Kafka acknowledges it, backing off between tries. While the broker is slow or
 * away (`MAX_HELD` events in memory), the fast path leaves new events to the relay too. (A lease
 * that runs out during a send lets another relay send the rows again: the order writer dedupes
 * by payment id.)
 */
export class PaymentEventPublisher {
  private readonly sender: KafkaSender;
  readonly outbox: OutboxRelay<OutboxRow>;
  private readonly fastPath: OutboxFastPath<PaymentCompletedEvent>;

  constructor(kafka: Kafka, em: EntityManager, config: Config, logger: Logger) {
    this.sender = new KafkaSender(kafka, config.kafka);
    this.outbox = new OutboxRelay<OutboxRow>(
      em,
      {
        name: KAFKA_TOPICS.paymentCompleted,
        table: 'payments',
        columns: `${PAID_PAYMENT_COLUMNS}, attempts`,
        pending: "status = 'PAID' and published_at is null",
        limit: BATCH_SIZE,
        leaseMs: config.payment.relayLeaseSeconds * 1000,
        // Short and capped: once the broker is back, waiting payments go out within seconds.
        backoff: { baseMs: 500, maxMs: 5_000 },
        delivered: 'published_at = now(3)',
        mode: 'batch',
        deliver: (rows) =>
          this.sender.send(KAFKA_TOPICS.paymentCompleted, rows.map(fromRow).map(encode)),
      },
      logger,
    );
    this.fastPath = new OutboxFastPath({
      outbox: this.outbox,
      sender: this.sender,
      topic: KAFKA_TOPICS.paymentCompleted,
      encode,
      rowId: (e) => e.paymentId,
      batchMs: BATCH_MS,
      batchSize: BATCH_SIZE,
      maxHeld: MAX_HELD,
      logger,
    });
  }

  /** Queues the event of a just-recorded paid payment; sends are batched over a few milliseconds. */
  enqueue(event: PaymentCompletedEvent): void {
    this.fastPath.push([event]);
  }

  /** Events the fast path holds in memory, waiting or being sent (at most `MAX_HELD`). */
  get held(): number {
    return this.fastPath.held;
  }

  /** Sends paid payments whose event is unpublished and due; returns how many it sent. */
  relay(limit = BATCH_SIZE): Promise<number> {
    return this.outbox.run(limit);
  }

  async stop(): Promise<void> {
    await this.fastPath.stop();
    await this.sender.stop();
  }
}
