import type { Consumer, KafkaMessage } from 'kafkajs';
import { ensureTopics, retryWhileRetriable, TOPIC_PARTITIONS } from '../clients/kafka';
import { KafkaSender } from '../clients/producer';
import { groupId, KAFKA_TOPICS, topicName } from '../clients/topics';
import { GroupCommit } from '../services/common/group-commit';
import { isUnplaceable, type PaidPayment } from '../services/orders/placement.service';
import { decode, type PaymentCompletedEvent } from '../services/payments/payment-completed';
import type { Worker, WorkerDeps } from './worker';

interface Parsed {
  message: KafkaMessage;
  event: PaymentCompletedEvent;
}

/** The payment an event announces, as the order placement service takes it. */
function toPaidPayment(event: PaymentCompletedEvent): PaidPayment {
  return {
    paymentId: event.paymentId,
    reservationId: event.reservationId,
    userId: event.userId,
    totalAmount: event.totalAmount,
    items: event.items,
  };
}

/**
 * The order writer: a Kafka consumer group on `payment.completed`. Each batch is written by the
 * order placement service (one transaction, idempotent by the unique payment id), and offsets
 * are committed only after it commits. A paid payment whose event can never be written (its stock
 * guard refuses it) is refunded and its units released; any other message that can never be
 * written (malformed, or no payment of ours) goes to `payment.completed.dlq` (never dropped, see
 * `npm run dlq`); a transient failure (database down, deadlock) retries the batch.
 */
export function createOrderWriter({
  config,
  services,
  logger: parent,
}: WorkerDeps): Worker & { writeEvents(events: PaymentCompletedEvent[]): Promise<number> } {
  const { kafka } = services;
  const logger = parent.child({ worker: 'order-writer' });
  const topic = topicName(config.kafka, KAFKA_TOPICS.paymentCompleted);
  let consumer: Consumer | undefined;
  let dlq: KafkaSender | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  async function deadLetter(messages: KafkaMessage[], reason: string, partition: number) {
    if (!messages.length) return;
    await dlq!.send(
      KAFKA_TOPICS.paymentCompletedDlq,
      messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: {
          reason,
          sourceTopic: topic,
          sourcePartition: String(partition),
          sourceOffset: m.offset,
        },
      })),
    );
    logger.error({ count: messages.length, reason }, 'payment events dead-lettered');
  }

  /** Writes orders for the events not yet written; returns how many it created. */
  async function writeEvents(events: PaymentCompletedEvent[]): Promise<number> {
    return (await services.orderPlacement.place(events.map(toPaidPayment))).length;
  }

  /**
   * The batches of every partition of a fetch (consumed concurrently) are written together: one
   * placement transaction for what arrives while the previous one runs. A batch that fails fails
   * each partition's share, which then goes one by one.
   */
  const placements = new GroupCommit<PaymentCompletedEvent, void>(
    async (events) => {
      await writeEvents(events);
      return events.map(() => undefined);
    },
    // 500 orders of up to 20 lines keep the items' INSERT under MySQL's 65,535 placeholders.
    { maxBatch: 500, concurrency: 1 },
  );

  function parse(message: KafkaMessage): PaymentCompletedEvent | null {
    return decode(message.value);
  }

  return {
    writeEvents,
    async start() {
      await ensureTopics(kafka, config.kafka);
      dlq = new KafkaSender(kafka, config.kafka);
      // Right after a broker restart, subscribing can meet its retriable metadata errors.
      await retryWhileRetriable(runConsumer);
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      await restarting;
      await consumer?.disconnect().catch(() => undefined);
      await dlq?.stop();
    },
  };

  /** Starts a new consumer after `delayMs`, again and again (up to 10 s apart) until one runs. */
  function restartIn(delayMs: number): void {
    if (stopping) return;
    restartTimer = setTimeout(() => {
      restarting = runConsumer().catch((err: unknown) => {
        const next = Math.min(delayMs * 2, 10_000);
        logger.error({ err, retryInMs: next }, 'order writer restart failed; retrying');
        restartIn(next);
      });
    }, delayMs);
  }

  /**
   * Starts a fresh consumer. After a crash (e.g. the broker went away) the old consumer is
   * disconnected and a new one started, rather than kafkajs' in-place restart, which could leave
   * the old group member behind holding partitions.
   */
  async function runConsumer(): Promise<void> {
    const c = kafka.consumer({
      groupId: groupId(config.kafka, 'order-writer'),
      // A killed writer's partitions move to another member within about this long.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxBytesPerPartition: 1_048_576,
      // A fetch waits (up to maxWaitTimeInMs) for a few hundred events rather than answering with
      // the first one: fewer, larger batches, each one transaction, at a bounded added lag.
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 300, retries: 8, restartOnFailure: async () => false },
    });
    consumer = c;
    c.on(c.events.CRASH, ({ payload }) => {
      if (stopping || c !== consumer) return;
      logger.error({ err: payload.error }, 'order writer consumer crashed; starting a new one');
      restarting = c.disconnect().then(
        () => restartIn(1000),
        () => restartIn(1000),
      );
    });
    try {
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
    } catch (err) {
      await c.disconnect().catch(() => undefined);
      throw err;
    }
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition's batch at once, so that they meet in one placement (see placements).
      partitionsConsumedConcurrently: TOPIC_PARTITIONS,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!batch.messages.length || !isRunning() || isStale()) return;
        const good: Parsed[] = [];
        const poison: KafkaMessage[] = [];
        for (const message of batch.messages) {
          const event = parse(message);
          if (event) good.push({ message, event });
          else poison.push(message);
        }
        await deadLetter(poison, 'malformed payment.completed event', batch.partition);
        if (good.length) {
          try {
            await Promise.all(good.map((g) => placements.submit(g.event)));
          } catch (err) {
            if (!isUnplaceable(err)) throw err;
            // One bad event spoils the batch: write one by one, dead-letter the bad ones.
            for (const g of good) {
              try {
                await writeEvents([g.event]);
              } catch (inner) {
                if (!isUnplaceable(inner)) throw inner;
                const reason = (inner as Error).message.slice(0, 200);
                // A paid payment is never parked: it is refunded and its units released. Only
                // an event that is no payment of ours goes to the dead-letter topic.
                if (!(await services.refunds.settleUnplaceable(g.event, reason)))
                  await deadLetter([g.message], reason, batch.partition);
              }
              await heartbeat();
            }
          }
        }
        const last = batch.messages[batch.messages.length - 1].offset;
        resolveOffset(last);
        // Committed only now, after the database commit: a crash before this replays the batch.
        await c.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last) + 1n).toString(),
          },
        ]);
        await heartbeat();
      },
    });
  }
}
