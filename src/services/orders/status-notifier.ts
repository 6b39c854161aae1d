import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka } from 'kafkajs';
import { KafkaSender } from '../../clients/producer';
import { KAFKA_TOPICS } from '../../clients/topics';
import type { AppPubSub } from '../../clients/pubsub';
import type { Config } from '../../config';
import type { OrderStatus } from '../../entities/order.entity';
import type { Logger } from '../../logger';
import type { OrderStatusEventPayload } from '../../schema/order.events';
import { topicFor } from '../../schema/topics';
import { OutboxRelay } from '../common/outbox-relay';

/** Where `order.status-changed` events go: Kafka (keyed by order id) and the outbox rows. */
export interface OrderStatusKafkaOptions {
  kafka: Kafka;
  config: Config['kafka'];
  em: EntityManager;
  logger: Logger;
  /** A history row still unpublished this long after it was written is sent again by `relayPending`. */
  relayAfterMs?: number;
}

/** The columns of an `order_status_changes` row its event is made of. */
interface ChangeRow {
  id: number;
  order_id: number;
  from: OrderStatus | null;
  to: OrderStatus;
  at: Date | string;
  actor: string;
  attempts: number;
}

const BATCH_SIZE = 500;

/**
 * Tells subscribers about order status changes and sends each change to Kafka as an
 * `order.status-changed` event keyed by order id. Called after the change is committed, never
 * inside the transaction that makes it.
 *
 * Pub/sub is awaited. Kafka is at-least-once through an outbox: every history row starts with
 * `publishedAt` null and is marked once the broker has acknowledged its event; `relayPending`
 * (run by the order scheduler, on the shared outbox relay) re-sends rows a crash or a broker
 * outage left unmarked once they are `relayAfterMs` old. Consumers deduplicate by `changeId`.
 */
export class OrderStatusNotifier {
  private readonly sender?: KafkaSender;
  readonly outbox?: OutboxRelay<ChangeRow>;
  private queue: OrderStatusEventPayload[] = [];
  private draining?: Promise<void>;
  private closed = false;

  constructor(
    private readonly pubSub: AppPubSub,
    private readonly kafka?: OrderStatusKafkaOptions,
  ) {
    if (!kafka) return;
    this.sender = new KafkaSender(kafka.kafka, kafka.config);
    const graceUs = Math.round((kafka.relayAfterMs ?? 5000) * 1000);
    this.outbox = new OutboxRelay<ChangeRow>(
      kafka.em,
      {
        name: KAFKA_TOPICS.orderStatusChanged,
        table: 'order_status_changes',
        columns: 'id, order_id, `from`, `to`, `at`, actor, attempts',
        pending: 'published_at is null',
        // Rows are born without a lease: the first claim waits for the grace after recording.
        due: `recorded_at <= now(3) - interval ${graceUs} microsecond
          and (next_attempt_at is null or next_attempt_at <= now(3))`,
        orderBy: 'recorded_at, id',
        limit: BATCH_SIZE,
        leaseMs: 30_000,
        backoff: { baseMs: 500, maxMs: 5_000 },
        delivered: 'published_at = now(3)',
        mode: 'batch',
        deliver: (rows) => this.deliver(rows),
      },
      kafka.logger,
    );
  }

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
  async relayPending(limit = BATCH_SIZE): Promise<number> {
    return this.outbox ? this.outbox.run(limit) : 0;
  }

  /** Waits for queued Kafka sends, then disconnects the producer. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    await this.sender?.stop();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH_SIZE);
      try {
        await this.send(batch);
        await this.markPublished(batch);
      } catch (err) {
        // The rows stay unpublished; relayPending sends them later.
        this.kafka!.logger.warn({ err, events: batch.length }, 'order.status-changed send failed');
      }
    }
  }

  /** The relay's delivery: the rows' events, with their orders' owners. */
  private async deliver(rows: ChangeRow[]): Promise<void> {
    const orderIds = [...new Set(rows.map((r) => r.order_id))];
    const owners = await this.kafka!.em.fork()
      .getConnection()
      .execute<{ id: number; user_id: number }[]>(
        `select id, user_id from orders where id in (${orderIds.map(() => '?').join(',')})`,
        orderIds,
      );
    const ownerOf = new Map(owners.map((o) => [Number(o.id), Number(o.user_id)]));
    await this.send(
      rows.map((row) => ({
        orderId: Number(row.order_id),
        userId: ownerOf.get(Number(row.order_id))!,
        from: row.from ?? null,
        to: row.to,
        at: new Date(row.at).toISOString(),
        changeId: Number(row.id),
        actor: row.actor,
      })),
    );
  }

  private send(events: OrderStatusEventPayload[]): Promise<void> {
    return this.sender!.send(
      KAFKA_TOPICS.orderStatusChanged,
      events.map((e) => ({ key: String(e.orderId), value: JSON.stringify(e) })),
    );
  }

  private async markPublished(events: OrderStatusEventPayload[]): Promise<void> {
    // By history row id when the event carries it (one indexed statement for the whole batch);
    // otherwise a status appears at most once in an order's history, so (order, to) names the row.
    const byId = events.filter((e) => e.changeId !== undefined).map((e) => e.changeId!);
    await this.outbox!.markDelivered(byId);
    const rest = events.filter((e) => e.changeId === undefined);
    if (!rest.length) return;
    await this.kafka!.em.fork()
      .getConnection()
      .execute(
        `update order_status_changes set published_at = now(3)
         where published_at is null and (${rest.map(() => '(order_id = ? and `to` = ?)').join(' or ')})`,
        rest.flatMap((e) => [e.orderId, e.to]),
        'run',
      );
  }
}
