import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka, Message, Producer } from 'kafkajs';
import { ensureTopics, topicName } from '../../clients/kafka';
import type { AppPubSub } from '../../clients/pubsub';
import type { Config } from '../../config';
import { OrderStatusChange } from '../../entities/order.entity';
import type { Logger } from '../../logger';
import type { OrderStatusEventPayload } from '../../schema/order.events';
import { topicFor } from '../../schema/topics';

export const ORDER_STATUS_CHANGED = 'order.status-changed';

/** Where `order.status-changed` events go: Kafka (keyed by order id) and the outbox rows. */
export interface OrderStatusKafkaOptions {
  kafka: Kafka;
  config: Config['kafka'];
  em: EntityManager;
  logger: Logger;
  /** A history row still unpublished this long after it was written is sent again by `relayPending`. */
  relayAfterMs?: number;
}

/**
 * Tells subscribers about order status changes and sends each change to Kafka as an
 * `order.status-changed` event keyed by order id. Called after the change is committed, never
 * inside the transaction that makes it.
 *
 * Pub/sub is awaited. Kafka is at-least-once through an outbox: every history row starts with
 * `publishedAt` null and is marked once the broker has acknowledged its event (`acks=all`,
 * idempotent producer); `relayPending` (run by the order scheduler) re-sends rows a crash or a
 * broker outage left unmarked. Consumers deduplicate by `changeId`.
 */
export class OrderStatusNotifier {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private queue: OrderStatusEventPayload[] = [];
  private draining?: Promise<void>;
  private closed = false;

  constructor(
    private readonly pubSub: AppPubSub,
    private readonly kafka?: OrderStatusKafkaOptions,
  ) {}

  async notify(events: OrderStatusEventPayload[]): Promise<void> {
    if (events.length === 0) return;
    await Promise.all(
      events.map((e) => this.pubSub.publishNow(topicFor('ORDER_STATUS_CHANGED', e.userId), e)),
    );
    // Kafka is sent in the background, in order, batched; the outbox covers a failed send.
    if (this.kafka && !this.closed) {
      this.queue.push(...events);
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    }
  }

  /** Sends events whose history rows are still unpublished after the grace time; returns how many. */
  async relayPending(now = new Date(), limit = 200): Promise<number> {
    if (!this.kafka) return 0;
    const em = this.kafka.em.fork();
    const rows = await em.find(
      OrderStatusChange,
      {
        publishedAt: null,
        recordedAt: { $lt: new Date(now.getTime() - (this.kafka.relayAfterMs ?? 5000)) },
      },
      { orderBy: { id: 'asc' }, limit, populate: ['order'] },
    );
    if (rows.length === 0) return 0;
    const events = rows.map((row) => ({
      orderId: row.order.id,
      userId: row.order.user.id,
      from: row.from ?? null,
      to: row.to,
      at: row.at.toISOString(),
      changeId: row.id,
      actor: row.actor,
    }));
    await this.send(events);
    await em.nativeUpdate(
      OrderStatusChange,
      { id: { $in: rows.map((r) => r.id) } },
      { publishedAt: new Date() },
    );
    return rows.length;
  }

  /** Waits for queued Kafka sends, then disconnects the producer. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.send(batch);
        await this.markPublished(batch);
      } catch (err) {
        // The rows stay unpublished; relayPending sends them later.
        this.kafka!.logger.warn({ err, events: batch.length }, 'order.status-changed send failed');
      }
    }
  }

  private async send(events: OrderStatusEventPayload[]): Promise<void> {
    const producer = await this.connect();
    const messages: Message[] = events.map((e) => ({
      key: String(e.orderId),
      value: JSON.stringify(e),
    }));
    await producer.send({
      topic: topicName(this.kafka!.config, ORDER_STATUS_CHANGED),
      acks: -1,
      messages,
    });
  }

  private async markPublished(events: OrderStatusEventPayload[]): Promise<void> {
    // A status appears at most once in an order's history, so (order, to) names the row.
    await this.kafka!.em.fork().nativeUpdate(
      OrderStatusChange,
      { publishedAt: null, $or: events.map((e) => ({ order: e.orderId, to: e.to })) },
      { publishedAt: new Date() },
    );
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const { kafka, config } = this.kafka!;
      // A broker that cannot create topics now still takes the send (the outbox retries it).
      await ensureTopics(kafka, config).catch(() => undefined);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      try {
        await producer.connect();
      } finally {
        this.connecting = undefined;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }
}
