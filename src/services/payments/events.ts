import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka, Producer } from 'kafkajs';
import { ensureTopics, topicName } from '../../clients/kafka';
import type { Config } from '../../config';
import type { PaymentItem } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { claimDuePayments } from './claims';

/** The `payment.completed` event the order writer consumes. */
export interface PaymentCompletedEvent {
  paymentId: string;
  reservationId: string;
  userId: number;
  items: PaymentItem[];
  totalAmount: number;
  paidAt: string;
}

export const PAYMENT_COMPLETED = 'payment.completed';

interface OutboxRow {
  id: string;
  reservation_id: string;
  user_id: number;
  amount: number;
  items: string | PaymentItem[];
  paid_at: Date;
  attempts: number;
}

/**
 * Sends `payment.completed` to Kafka with an idempotent producer (acks from all in-sync replicas,
 * one request in flight), for payments marked PAID. The payment row is the durable record: a send
 * that fails leaves `publishedAt` null and `relay()` sends it again until Kafka acknowledges it.
 * Events are keyed by reservation id: one payment's event stays in one partition, and a flash
 * sale of one product still spreads over every partition and order-writer instance.
 */
export class PaymentEventPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private buffer: { row: OutboxRow }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private inflight = new Set<Promise<void>>();
  private stopped = false;
  readonly topic: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly em: EntityManager,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.topic = topicName(config.kafka, PAYMENT_COMPLETED);
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (this.stopped) return Promise.reject(new Error('payment event publisher stopped'));
    this.connecting ??= (async () => {
      await ensureTopics(this.kafka, this.config.kafka);
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
        throw new Error('payment event publisher stopped');
      }
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Queues a just-recorded payment for a send; sends are batched over a few milliseconds. */
  enqueue(payment: {
    id: string;
    reservationId: string;
    userId: number;
    amount: number;
    items: PaymentItem[];
    paidAt: Date;
  }): void {
    this.buffer.push({
      row: {
        id: payment.id,
        reservation_id: payment.reservationId,
        user_id: payment.userId,
        amount: payment.amount,
        items: payment.items,
        paid_at: payment.paidAt,
        attempts: 0,
      },
    });
    if (this.buffer.length >= 500) this.flushSoon(0);
    else this.flushSoon(2);
  }

  private flushSoon(ms: number) {
    if (this.flushTimer && ms > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const rows = this.buffer.splice(0).map((b) => b.row);
      if (!rows.length) return;
      const run = this.send(rows)
        .then(() => this.markPublished(rows.map((r) => r.id)))
        .catch((err: unknown) => {
          // The relay sends it later: the row stays unpublished.
          this.logger.warn(
            { err, count: rows.length },
            'payment events not sent yet; the relay retries them',
          );
        })
        .finally(() => this.inflight.delete(run));
      this.inflight.add(run);
    }, ms);
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const producer = await this.connect();
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: rows.map((row) => {
        const items =
          typeof row.items === 'string' ? (JSON.parse(row.items) as PaymentItem[]) : row.items;
        const event: PaymentCompletedEvent = {
          paymentId: row.id,
          reservationId: row.reservation_id,
          userId: Number(row.user_id),
          items,
          totalAmount: Number(row.amount),
          paidAt: new Date(row.paid_at).toISOString(),
        };
        return { key: row.reservation_id, value: JSON.stringify(event) };
      }),
    });
  }

  private async markPublished(ids: string[]): Promise<void> {
    await this.em
      .fork()
      .getConnection()
      .execute(
        `update payments set published_at = now(3) where id in (${ids.map(() => '?').join(',')})`,
        ids,
        'run',
      );
  }

  /**
   * Sends paid payments whose event is unpublished and due (rows the fast path could not send).
   * A short transaction claims a batch (SKIP LOCKED) and leases it by moving `next_attempt_at`
   * `relayLeaseSeconds` ahead, then commits: the send runs with no transaction or row lock open,
   * so a slow or absent broker never blocks the fast path's `markPublished`, and another relay
   * skips the batch until the lease is over. Success marks the rows published; failure sets a
   * short, capped backoff. (A lease that runs out during a send lets another relay send the rows
   * again: the order writer dedupes by payment id.)
   */
  async relay(limit = 500): Promise<number> {
    const rows = await claimDuePayments<OutboxRow>(this.em, {
      columns: 'id, reservation_id, user_id, amount, items, paid_at, attempts',
      where: "status = 'PAID' and published_at is null",
      limit,
      leaseMs: this.config.payment.relayLeaseSeconds * 1000,
    });
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    const marks = ids.map(() => '?').join(',');
    const conn = this.em.fork().getConnection();
    try {
      await this.send(rows);
    } catch (err) {
      // Short, capped backoff: once the broker is back, waiting payments go out within seconds.
      const backoffMs = Math.min(5_000, 500 * 2 ** Math.min(rows[0].attempts, 4));
      await conn.execute(
        `update payments set attempts = attempts + 1, last_error = ?,
           next_attempt_at = now(3) + interval ? microsecond
         where id in (${marks}) and published_at is null`,
        [String((err as Error).message).slice(0, 500), backoffMs * 1000, ...ids],
        'run',
      );
      this.logger.warn(
        { err, count: rows.length },
        'payment relay: Kafka did not take the events; retrying later',
      );
      return 0;
    }
    await conn.execute(
      `update payments set published_at = coalesce(published_at, now(3)), attempts = attempts + 1
       where id in (${marks})`,
      ids,
      'run',
    );
    return rows.length;
  }

  async stop(): Promise<void> {
    if (this.flushTimer) this.flushSoon(0);
    await new Promise((r) => setTimeout(r, 5));
    this.stopped = true;
    await Promise.allSettled([...this.inflight]);
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
