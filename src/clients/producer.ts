import {
  Partitioners,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';
import type { Config } from '../config';
import { ensureTopics, type TopicPartitions } from './kafka';
import { topicName, type KafkaTopic } from './topics';

/**
 * Each message with its partition set, chosen as kafkajs' default partitioner would from a topic
 * of `partitions` partitions (the same key, the same partition).
 */
export function routeMessages(messages: Message[], partitions: number): Message[] {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const choose = Partitioners.DefaultPartitioner();
  return messages.map((message) => ({
    ...message,
    partition: message.partition ?? choose({ topic: '', partitionMetadata, message }),
  }));
}

/** The partitions `messages` were sent to that the broker's answer does not confirm. */
export function unconfirmedPartitions(
  topic: string,
  messages: Message[],
  answers: RecordMetadata[],
): number[] {
  const confirmed = new Set(
    answers.filter((a) => a.topicName === topic && a.errorCode === 0).map((a) => a.partition),
  );
  return [...new Set(messages.map((m) => m.partition as number))].filter((p) => !confirmed.has(p));
}

/**
 * The one way the app sends to Kafka: an idempotent producer (one request in flight, so retries
 * never reorder or duplicate), every send acknowledged by all in-sync replicas (`acks: -1`) and
 * retried by kafkajs with a capped backoff. The producer connects once, on the first send, after
 * the app's topics exist; a failed connect is tried again on the next send. `stop` waits for the
 * sends under way and disconnects; a send after `stop` fails.
 *
 * Two faults of kafkajs 2.2.4 could lose an acknowledged event; the sender closes both:
 * - **Partitions skipped on retry.** A retry skips brokers that answered the first try, even when
 *   a partition's leader has moved to one of them, and the send resolves without that partition.
 *   So every message goes to a partition chosen here, and a send counts only when the broker's
 *   answer names each of those partitions; an unconfirmed send throws.
 * - **Sequence numbers given twice.** When a produce request fails (its answer timed out, its
 *   connection closed), kafkajs takes back the request's sequence numbers, though the broker may
 *   have stored it. A concurrent send on the same producer then takes those numbers for other
 *   messages, and the broker acknowledges them as a duplicate without storing them. So sends go
 *   one at a time, in order of arrival, and a send that fails discards its producer: the next send
 *   starts a new one, whose numbering starts afresh.
 *
 * A send that throws is sent again by its outbox; the consumers dedupe.
 */
export class KafkaSender {
  private producer: Producer | undefined;
  /** The app topics' partition counts, read when the producer connected. */
  private partitions: TopicPartitions = new Map();
  private connecting: Promise<Producer> | undefined;
  /** The last send queued: each send starts once the one before it has settled. */
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config['kafka'],
  ) {}

  /** Sends `messages` to the registered `topic`; resolves once the broker has acknowledged all. */
  send(topic: KafkaTopic, messages: Message[]): Promise<void> {
    if (!messages.length) return Promise.resolve();
    const sent = this.tail.then(() => this.sendNow(topic, messages));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.tail;
    await this.connecting?.catch(() => undefined);
    await this.discardProducer();
  }

  private async sendNow(topic: KafkaTopic, messages: Message[]): Promise<void> {
    const producer = await this.connect();
    const name = topicName(this.config, topic);
    const partitions = this.partitions.get(name);
    if (!partitions) throw new Error(`${name} is not one of the app's topics`);
    const routed = routeMessages(messages, partitions);
    try {
      const answers = await producer.send({ topic: name, acks: -1, messages: routed });
      const missing = unconfirmedPartitions(name, routed, answers);
      if (missing.length) {
        throw new Error(
          `Kafka acknowledged a send to ${name} without confirming partitions ${missing.join(', ')}`,
        );
      }
    } catch (err) {
      await this.discardProducer();
      throw err;
    }
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (this.stopped) return Promise.reject(new Error('Kafka sender stopped'));
    this.connecting ??= (async () => {
      this.partitions = await ensureTopics(this.kafka, this.config);
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
      });
      try {
        await producer.connect();
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        throw err;
      }
      if (this.stopped) {
        await producer.disconnect();
        throw new Error('Kafka sender stopped');
      }
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}
