import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka } from 'kafkajs';
import { KAFKA_TOPICS } from '../../clients/topics';
import type { AppPubSub } from '../../clients/pubsub';
import type { Config } from '../../config';
import type { OrderStatus } from '../../entities/order.entity';
import type { Logger } from '../../logger';
import type { OrderStatusEventPayload } from '../../schema/order.events';
import { topicFor } from '../../schema/topics';
import { KafkaOutbox } from '../common/kafka-outbox';

/** Where `order.status-changed` events go: Kafka (keyed by order id) and the outbox rows. */
export interface OrderStatusKafkaOptions {
  kafka: Kafka;
  config: Config['kafka'];
  em: EntityManager;
  logger: Logger;
  /** A history row still unpublished this long after it was written is sent again by the relay. */
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
/** Changes made within this many milliseconds go to Kafka in one send. */
const BATCH_MS = 10;

const toMessage = (e: OrderStatusEventPayload) => ({
  key: String(e.orderId),
  value: JSON.stringify(e),
});

/**
 * Tells subscribers about order status changes and sends each change to Kafka as an
 * `order.status-changed` event keyed by order id. Called after the change is committed, never
 * inside the transaction that makes it.
 *
 * Pub/sub is awaited. Kafka is at-least-once through an outbox: every history row starts with
 * `publishedAt` null; its event is sent at once by the outbox's fast path (in order, batched) and
 * the row marked once the broker has acknowledged it (`outbox`, a `KafkaOutbox`). Its `run` (by the
 * order scheduler) sends rows a crash, a failed send or a broker outage left unmarked
 * once they are `relayAfterMs` old. Consumers deduplicate by `changeId`.
 */
export class OrderStatusNotifier {
  readonly outbox: KafkaOutbox<ChangeRow, OrderStatusEventPayload>;

  constructor(
    private readonly pubSub: AppPubSub,
    private readonly kafka: OrderStatusKafkaOptions,
  ) {
    const graceUs = Math.round((kafka.relayAfterMs ?? 5000) * 1000);
    this.outbox = new KafkaOutbox({
      kafka: kafka.kafka,
      config: kafka.config,
      em: kafka.em,
      logger: kafka.logger,
      topic: KAFKA_TOPICS.orderStatusChanged,
      rows: {
        table: 'order_status_changes',
        columns: 'id, order_id, `from`, `to`, `at`, actor, attempts',
        pending: 'published_at is null',
        // Rows are born without a lease: the first claim waits for the grace after recording.
        due: `recorded_at <= now(3) - interval ${graceUs} microsecond
          and (next_attempt_at is null or next_attempt_at <= now(3))`,
        orderBy: 'recorded_at, id',
        leaseMs: 30_000,
        backoff: { baseMs: 500, maxMs: 5_000 },
        delivered: 'published_at = now(3)',
      },
      eventsOf: (rows) => this.eventsOf(rows),
      encode: toMessage,
      rowId: (e) => e.changeId,
      batchMs: BATCH_MS,
      batchSize: BATCH_SIZE,
    });
  }

  async notify(events: OrderStatusEventPayload[]): Promise<void> {
    if (events.length === 0) return;
    await Promise.all(
      events.map((e) => this.pubSub.publishNow(topicFor('ORDER_STATUS_CHANGED', e.userId), e)),
    );
    this.outbox.push(events);
  }

  /** The events of rows the relay claimed, with their orders' owners. */
  private async eventsOf(rows: ChangeRow[]): Promise<OrderStatusEventPayload[]> {
    const orderIds = [...new Set(rows.map((r) => r.order_id))];
    const owners = await this.kafka.em
      .fork()
      .getConnection()
      .execute<{ id: number; user_id: number }[]>(
        `select id, user_id from orders where id in (${orderIds.map(() => '?').join(',')})`,
        orderIds,
      );
    const ownerOf = new Map(owners.map((o) => [Number(o.id), Number(o.user_id)]));
    return rows.map((row) => ({
      orderId: Number(row.order_id),
      userId: ownerOf.get(Number(row.order_id))!,
      from: row.from ?? null,
      to: row.to,
      at: new Date(row.at).toISOString(),
      changeId: Number(row.id),
      actor: row.actor,
    }));
  }
}
