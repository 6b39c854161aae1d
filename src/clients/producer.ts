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
 * Every message goes to a partition chosen here, and a send counts only when the broker's answer
 * names each of those partitions: kafkajs 2.2.4 can resolve a send without sending some of its
 * partitions (a retry skips brokers that answered the first try, even when a partition's leader
 * has moved to one of them), and an event acknowledged that way was seen lost after a broker
 * restart. An unconfirmed send throws; the outbox sends it again (the consumers dedupe).
 */
export class KafkaSender {
  private producer: Producer | undefined;
  /** The app topics' partition counts, read when the producer connected. */
  private partitions: TopicPartitions = new Map();
  private connecting: Promise<Producer> | undefined;
  private readonly sending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: Config['kafka'],
  ) {}

  /** Sends `messages` to the registered `topic`; resolves once the broker has acknowledged all. */
  async send(topic: KafkaTopic, messages: Message[]): Promise<void> {
    if (!messages.length) return;
    const producer = await this.connect();
    const name = topicName(this.config, topic);
    const partitions = this.partitions.get(name);
    if (!partitions) throw new Error(`${name} is not one of the app's topics`);
    const routed = routeMessages(messages, partitions);
    const sent = producer.send({ topic: name, acks: -1, messages: routed });
    this.sending.add(sent);
    let answers: RecordMetadata[];
    try {
      answers = await sent;
    } finally {
      this.sending.delete(sent);
    }
    const missing = unconfirmedPartitions(name, routed, answers);
    if (missing.length) {
      throw new Error(
        `Kafka acknowledged a send to ${name} without confirming partitions ${missing.join(', ')}`,
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.sending]);
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
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
