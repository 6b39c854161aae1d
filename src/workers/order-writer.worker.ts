import {
  DriverException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
} from '@mikro-orm/core';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { ensureTopics, groupId, retryWhileRetriable, topicName } from '../clients/kafka';
import { OrderStatus } from '../entities/order.entity';
import type { OrderStatusEventPayload } from '../schema/order.events';
import { stepDueAfter } from '../services/orders/lifecycle.service';
import { PAYMENT_COMPLETED, type PaymentCompletedEvent } from '../services/payments/events';
import type { Worker, WorkerDeps } from './worker';

interface Parsed {
  message: KafkaMessage;
  event: PaymentCompletedEvent;
}

/** Why a message cannot be written, ever (it goes to the dead-letter topic). */
class PoisonMessage extends Error {}

/**
 * The order writer: a Kafka consumer group on `payment.completed`. Each batch becomes one MySQL
 * transaction — orders, items, the first status change and the durable stock decrement — made
 * idempotent by the unique payment id, and offsets are committed only after it commits. A paid
 * payment whose event can never be written (its stock guard refuses it) is refunded and its units
 * released; any other message that can never be written (malformed, or no payment of ours) goes to
 * `payment.completed.dlq` (never dropped, see `npm run dlq`); a transient failure (database down,
 * deadlock) retries the batch. New orders are published to `orderStatusChanged`.
 */
export function createOrderWriter({
  config,
  services,
  logger: parent,
}: WorkerDeps): Worker & { writeEvents(events: PaymentCompletedEvent[]): Promise<number> } {
  const { kafka } = services;
  const deps = {
    em: services.orm.em,
    saleStore: services.saleStore,
    orderStatus: services.orderStatus,
    refunds: services.refunds,
  };
  const logger = parent.child({ worker: 'order-writer' });
  const topic = topicName(config.kafka, PAYMENT_COMPLETED);
  const dlqTopic = topicName(config.kafka, `${PAYMENT_COMPLETED}.dlq`);
  let consumer: Consumer | undefined;
  let dlq: Producer | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  async function deadLetter(messages: KafkaMessage[], reason: string, partition: number) {
    if (!messages.length) return;
    await dlq!.send({
      topic: dlqTopic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: {
          reason,
          sourceTopic: topic,
          sourcePartition: String(partition),
          sourceOffset: m.offset,
        },
      })),
    });
    logger.error({ count: messages.length, reason }, 'payment events dead-lettered');
  }

  /** Writes orders for the events not yet written; returns how many it created. */
  async function writeEvents(events: PaymentCompletedEvent[]): Promise<number> {
    const written: OrderStatusEventPayload[] = [];
    const settle: PaymentCompletedEvent[] = [];
    const orderOf = new Map<string, number>();
    await deps.em.fork().transactional(async (em) => {
      const ids = [...new Set(events.map((e) => e.paymentId))];
      const existing = new Set(
        (
          await em.execute<{ payment_id: string }[]>(
            `select payment_id from orders where payment_id in (${ids.map(() => '?').join(',')})`,
            ids,
          )
        ).map((o) => o.payment_id),
      );
      const now = new Date();
      const next = stepDueAfter(config.orders, OrderStatus.PLACED, now);
      const fresh: PaymentCompletedEvent[] = [];
      const units = new Map<number, number>();
      for (const event of events) {
        settle.push(event);
        if (existing.has(event.paymentId)) continue;
        existing.add(event.paymentId);
        fresh.push(event);
        for (const item of event.items)
          units.set(item.productId, (units.get(item.productId) ?? 0) + item.quantity);
      }
      if (!fresh.length) return;
      // Stock first, products in id order: the row locks are taken before the order rows' foreign
      // key checks, in one order across writers, so concurrent batches queue instead of deadlocking.
      for (const [productId, qty] of [...units].sort((a, b) => a[0] - b[0])) {
        const res = await em.execute<{ affectedRows: number }>(
          'update products set stock = stock - ?, updated_at = now(3) where id = ? and stock >= ?',
          [qty, productId, qty],
          'run',
        );
        if (res.affectedRows !== 1)
          throw new PoisonMessage(`product ${productId} has fewer than ${qty} units`);
      }
      // Plain multi-row inserts (this is the sale's write path). One INSERT of n rows gets n
      // consecutive auto-increment ids (innodb_autoinc_lock_mode ≤ 1), as MikroORM also assumes.
      const inserted = await em.execute<{ insertId: number; affectedRows: number }>(
        `insert into orders (created_at, updated_at, user_id, payment_id, reservation_id, status, total_amount, placed_at, next_transition_at, version)
         values ${fresh.map(() => `(?, ?, ?, ?, ?, 'PLACED', ?, ?, ?, 1)`).join(',')}`,
        fresh.flatMap((e) => [
          now,
          now,
          e.userId,
          e.paymentId,
          e.reservationId,
          e.totalAmount,
          now,
          next,
        ]),
        'run',
      );
      const orderIds = fresh.map((_, i) => Number(inserted.insertId) + i);
      const lines = fresh.flatMap((e, i) =>
        e.items.map((item) => [orderIds[i], item.productId, item.quantity, item.unitPrice]),
      );
      await em.execute(
        `insert into order_items (order_id, product_id, quantity, unit_price) values ${lines.map(() => '(?, ?, ?, ?)').join(',')}`,
        lines.flat(),
        'run',
      );
      const changes = await em.execute<{ insertId: number }>(
        `insert into order_status_changes (order_id, \`from\`, \`to\`, \`at\`, actor, recorded_at)
         values ${fresh.map(() => `(?, null, 'PLACED', ?, 'SYSTEM', ?)`).join(',')}`,
        orderIds.flatMap((id) => [id, now, now]),
        'run',
      );
      fresh.forEach((event, i) => {
        written.push({
          orderId: orderIds[i],
          userId: event.userId,
          from: null,
          to: OrderStatus.PLACED,
          at: now.toISOString(),
          changeId: Number(changes.insertId) + i,
          actor: 'SYSTEM',
        });
        orderOf.set(event.reservationId, orderIds[i]);
      });
    });
    // After the commit: settle the live counters' "paid, not yet written" entries and tell subscribers.
    await deps.saleStore.reservations
      .settleWritten(
        settle,
        [...orderOf].map(([reservationId, orderId]) => ({ reservationId, orderId })),
      )
      .catch((err: unknown) => logger.warn({ err }, 'could not settle paid units in Redis'));
    if (written.length)
      await deps.orderStatus
        .notify(written)
        .catch((err: unknown) => logger.warn({ err }, 'order notify failed'));
    return written.length;
  }

  function parse(message: KafkaMessage): PaymentCompletedEvent | null {
    try {
      const e = JSON.parse(message.value?.toString('utf8') ?? '') as PaymentCompletedEvent;
      const id = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
      const uint = (v: unknown, min = 0) =>
        Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= 4_294_967_295;
      const ok =
        e &&
        id(e.paymentId) &&
        id(e.reservationId) &&
        uint(e.userId, 1) &&
        uint(e.totalAmount) &&
        Array.isArray(e.items) &&
        e.items.length > 0 &&
        e.items.every((i) => i && uint(i.productId, 1) && uint(i.quantity, 1) && uint(i.unitPrice));
      return ok ? e : null;
    } catch {
      return null;
    }
  }

  const isPoison = (err: unknown) =>
    err instanceof PoisonMessage ||
    err instanceof ForeignKeyConstraintViolationException ||
    err instanceof NotNullConstraintViolationException ||
    (err instanceof DriverException && [1264, 1406, 1690, 3140].includes(Number(err.errno)));

  return {
    writeEvents,
    async start() {
      await ensureTopics(kafka, config.kafka);
      dlq = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await dlq.connect();
      // Right after a broker restart, subscribing can meet its retriable metadata errors.
      await retryWhileRetriable(runConsumer);
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      await restarting;
      await consumer?.disconnect().catch(() => undefined);
      await dlq?.disconnect().catch(() => undefined);
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
      partitionsConsumedConcurrently: 2,
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
            await writeEvents(good.map((g) => g.event));
          } catch (err) {
            if (!isPoison(err)) throw err;
            // One bad event spoils the batch: write one by one, dead-letter the bad ones.
            for (const g of good) {
              try {
                await writeEvents([g.event]);
              } catch (inner) {
                if (!isPoison(inner)) throw inner;
                const reason = (inner as Error).message.slice(0, 200);
                // A paid payment is never parked: it is refunded and its units released. Only
                // an event that is no payment of ours goes to the dead-letter topic.
                if (!(await deps.refunds.settleUnplaceable(g.event, reason)))
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
