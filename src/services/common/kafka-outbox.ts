import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka, Message } from 'kafkajs';
import { KafkaSender } from '../../clients/producer';
import type { KafkaTopic } from '../../clients/topics';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { OutboxRelay, type OutboxRow, type OutboxSource } from './outbox-relay';

export interface KafkaOutboxOptions<Row extends OutboxRow, Event> {
  kafka: Kafka;
  config: Config['kafka'];
  em: EntityManager;
  logger: Logger;
  topic: KafkaTopic;
  /**
   * Where the outbox's rows are and which are still to send: the relay's claim, lease, backoff
   * and `delivered` SET (its name is the topic; it sends a claim's rows in one batch).
   */
  rows: Omit<OutboxSource<Row>, 'name' | 'limit' | 'mode' | 'deliver'>;
  /** The events of rows the relay claimed, in the rows' order. */
  eventsOf: (rows: Row[]) => Event[] | Promise<Event[]>;
  encode: (event: Event) => Message;
  /** The outbox row of an event. */
  rowId: (event: Event) => string | number;
  /** Events pushed within this many milliseconds go in one send; a full batch goes at once. */
  batchMs: number;
  /** Events per send, and rows per relay pass; the fast path holds at most four batches. */
  batchSize: number;
}

/**
 * A table whose rows are Kafka events, sent at least once: the one way the app publishes from
 * MySQL (payment events, order status events). Its events take one of two paths, through one
 * `KafkaSender` (the events of one outbox stay in order):
 * - the fast path (`push`): the events of rows just committed are sent at once, batched, and
 *   their rows marked delivered when Kafka acknowledges them. One send is under way at a time;
 *   events pushed meanwhile go together in the next one, so a slow broker gets fewer, larger
 *   sends. A send that fails, or an event pushed while four batches are held, leaves its rows
 *   undelivered: memory stays bounded while the broker is away, and no event depends on this
 *   process staying up;
 * - the relay (`relay`, one pass of it `run`): a worker's pass that sends due rows still
 *   undelivered (a failed send, a crash, an outage) after their grace, backing off between tries.
 * Consumers deduplicate: a row whose lease ran out during a send may be sent twice.
 */
export class KafkaOutbox<Row extends OutboxRow, Event> {
  readonly relay: OutboxRelay<Row>;
  private readonly sender: KafkaSender;
  private readonly maxHeld: number;
  private buffer: Event[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The send under way, and how many events it carries. */
  private sending: Promise<void> | undefined;
  private sendingCount = 0;
  private stopped = false;

  constructor(private readonly o: KafkaOutboxOptions<Row, Event>) {
    this.sender = new KafkaSender(o.kafka, o.config);
    this.maxHeld = 4 * o.batchSize;
    this.relay = new OutboxRelay<Row>(
      o.em,
      {
        ...o.rows,
        name: o.topic,
        limit: o.batchSize,
        mode: 'batch',
        deliver: async (rows) => this.sender.send(o.topic, (await o.eventsOf(rows)).map(o.encode)),
      },
      o.logger,
    );
  }

  /** Queues the events of committed rows for the next send (those past four batches are left). */
  push(events: Event[]): void {
    const room = this.maxHeld - this.held;
    if (this.stopped || room <= 0 || !events.length) return;
    this.buffer.push(...(events.length > room ? events.slice(0, room) : events));
    if (this.sending) return; // they go when the send under way settles
    const ms = this.buffer.length >= this.o.batchSize ? 0 : this.o.batchMs;
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendNext();
    }, ms);
  }

  /** Events the fast path holds in memory, waiting or being sent (at most four batches). */
  get held(): number {
    return this.buffer.length + this.sendingCount;
  }

  /** One relay pass over due, undelivered rows; returns how many were sent. */
  run(limit?: number): Promise<number> {
    return this.relay.run(limit);
  }

  /**
   * Sends what the fast path holds, until a send fails (later pushes are left to the relay), waits
   * for the sends under way, then disconnects.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sendNext();
    while (this.sending) await this.sending;
    await this.sender.stop();
  }

  private sendNext(): void {
    if (this.sending || !this.buffer.length) return;
    const events = this.buffer.splice(0, this.o.batchSize);
    this.sendingCount = events.length;
    let failed = false;
    this.sending = this.sender
      .send(this.o.topic, events.map(this.o.encode))
      .then(() => this.relay.markDelivered(events.map(this.o.rowId)))
      .catch((err: unknown) => {
        failed = true;
        this.o.logger.warn(
          { err, topic: this.o.topic, count: events.length },
          'events not sent yet; the outbox relay sends them',
        );
      })
      .finally(() => {
        this.sending = undefined;
        this.sendingCount = 0;
        // Events pushed meanwhile have waited already: they go at once. Once stopping, a failed
        // send leaves the rest to the relay.
        if (this.stopped && failed) this.buffer = [];
        this.sendNext();
      });
  }
}
