import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka, Message } from 'kafkajs';
import { KafkaSender } from '../../clients/producer';
import type { KafkaTopic } from '../../clients/topics';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { OutboxFastPath } from './outbox-fast-path';
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
  /** Events pushed within this many milliseconds go in one send. */
  batchMs: number;
  /** Events per send, and rows per relay pass; the fast path holds at most four batches. */
  batchSize: number;
}

/**
 * A table whose rows are Kafka events, sent at least once: the one way the app publishes from
 * MySQL (payment events, order status events). It holds the three parts of the path:
 * - one `KafkaSender` (the events of one outbox stay in order);
 * - the fast path (`push`): the events of rows just committed are sent at once, batched, and the
 *   rows marked delivered when Kafka acknowledges them; past four batches held, the broker is slow
 *   or away and newer events are left to the relay;
 * - the relay (`relay`, one pass of it `run`): a worker's pass that sends due rows still
 *   undelivered (a failed send, a crash, an outage), backing off between tries.
 * Consumers deduplicate: a row whose lease ran out during a send may be sent twice.
 */
export class KafkaOutbox<Row extends OutboxRow, Event> {
  readonly relay: OutboxRelay<Row>;
  private readonly sender: KafkaSender;
  private readonly fastPath: OutboxFastPath<Event>;

  constructor(o: KafkaOutboxOptions<Row, Event>) {
    this.sender = new KafkaSender(o.kafka, o.config);
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
    this.fastPath = new OutboxFastPath({
      outbox: this.relay,
      sender: this.sender,
      topic: o.topic,
      encode: o.encode,
      rowId: o.rowId,
      batchMs: o.batchMs,
      batchSize: o.batchSize,
      maxHeld: 4 * o.batchSize,
      logger: o.logger,
    });
  }

  /** Queues the events of committed rows for the fast path's next send. */
  push(events: Event[]): void {
    this.fastPath.push(events);
  }

  /** Events the fast path holds in memory, waiting or being sent (at most four batches). */
  get held(): number {
    return this.fastPath.held;
  }

  /** One relay pass over due, undelivered rows; returns how many were sent. */
  run(limit?: number): Promise<number> {
    return this.relay.run(limit);
  }

  /** Sends what the fast path holds and waits for the sends under way, then disconnects. */
  async stop(): Promise<void> {
    await this.fastPath.stop();
    await this.sender.stop();
  }
}
