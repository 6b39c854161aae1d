import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ensureTopics, withKafkaAdmin } from '../../clients/kafka';
import { KafkaSender } from '../../clients/producer';
import { groupId, KAFKA_TOPICS, topicName } from '../../clients/topics';
import type { Config } from '../../config';

/** One message on the dead-letter topic, with why and where from it came. */
export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: string;
  sourceOffset: string;
}

/** Reading the whole topic stops after this long even if a partition never caught up. */
const READ_TIMEOUT_MS = 30_000;

/**
 * The operator's view of `payment.completed.dlq`: messages the order writer could not read as a
 * payment of ours (malformed, or not a known payment). `list` reads the topic from its start up to
 * its end at the time of the call; `replay` sends chosen messages back to their source topic
 * (with a `replayedFrom` header), e.g. after a fix of the reader.
 */
export class PaymentDeadLetters {
  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config['kafka'],
  ) {}

  get topic(): string {
    return topicName(this.config, KAFKA_TOPICS.paymentCompletedDlq);
  }

  async list(): Promise<DeadLetter[]> {
    await ensureTopics(this.kafka, this.config);
    const offsets = await withKafkaAdmin(this.kafka, (admin) =>
      admin.fetchTopicOffsets(this.topic),
    );
    const ends = new Map(
      offsets
        .filter((o) => BigInt(o.high) > BigInt(o.low))
        .map((o) => [o.partition, BigInt(o.high)]),
    );
    if (!ends.size) return [];
    // A group of its own each time: reading never moves anyone's offsets.
    const consumer = this.kafka.consumer({
      groupId: groupId(this.config, `dlq-reader-${randomUUID()}`),
    });
    const found: DeadLetter[] = [];
    const pending = new Set(ends.keys());
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the dead-letter topic could not be read to its end')),
          READ_TIMEOUT_MS,
        );
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const header = (name: string) => message.headers?.[name]?.toString() ?? '';
              found.push({
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                value: message.value?.toString() ?? '',
                reason: header('reason'),
                sourceTopic: header('sourceTopic'),
                sourcePartition: header('sourcePartition'),
                sourceOffset: header('sourceOffset'),
              });
              if (BigInt(message.offset) + 1n >= ends.get(partition)!) pending.delete(partition);
              if (!pending.size) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  /** Sends the dead letters `pick` chooses back to their source topic; returns how many. */
  async replay(pick: (letter: DeadLetter) => boolean): Promise<number> {
    const chosen = (await this.list()).filter(pick);
    if (!chosen.length) return 0;
    const sender = new KafkaSender(this.kafka, this.config);
    try {
      await sender.send(
        KAFKA_TOPICS.paymentCompleted,
        chosen.map((d) => ({
          key: d.key,
          value: d.value,
          headers: { replayedFrom: `${this.topic}:${d.partition}:${d.offset}` },
        })),
      );
    } finally {
      await sender.stop();
    }
    return chosen.length;
  }
}
