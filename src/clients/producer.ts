import type { Kafka, Message, Producer } from 'kafkajs';
import type { Config } from '../config';
import { ensureTopics } from './kafka';
import { topicName, type KafkaTopic } from './topics';

/**
 * The one way the app sends to Kafka: an idempotent producer (one request in flight, so retries
 * never reorder or duplicate), every send acknowledged by all in-sync replicas (`acks: -1`) and
 * retried by kafkajs with a capped backoff. The producer connects once, on the first send, after
 * the app's topics exist; a failed connect is tried again on the next send. `stop` waits for the
 * sends under way and disconnects; a send after `stop` fails.
 */
export class KafkaSender {
  private producer: Producer | undefined;
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
    const sent = producer.send({ topic: topicName(this.config, topic), acks: -1, messages });
    this.sending.add(sent);
    try {
      await sent;
    } finally {
      this.sending.delete(sent);
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
      await ensureTopics(this.kafka, this.config);
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
