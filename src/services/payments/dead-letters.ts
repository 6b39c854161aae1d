import type { Kafka } from 'kafkajs';
import { ensureTopics, readTopic } from '../../clients/kafka';
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
    const messages = await readTopic(this.kafka, this.topic, groupId(this.config, 'dlq-reader'));
    return messages.map(({ partition, offset, key, value, headers }) => {
      const header = (name: string) => headers?.[name]?.toString() ?? '';
      return {
        partition,
        offset,
        key: key?.toString() ?? null,
        value: value?.toString() ?? '',
        reason: header('reason'),
        sourceTopic: header('sourceTopic'),
        sourcePartition: header('sourcePartition'),
        sourceOffset: header('sourceOffset'),
      };
    });
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
