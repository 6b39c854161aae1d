import type { Message } from 'kafkajs';
import type { KafkaSender } from '../../clients/producer';
import type { KafkaTopic } from '../../clients/topics';
import type { Logger } from '../../logger';
import type { OutboxRelay, OutboxRow } from './outbox-relay';

export interface FastPathOptions<E> {
  /** The outbox the events' rows belong to: it marks them delivered, and sends what this leaves. */
  outbox: Pick<OutboxRelay<OutboxRow>, 'markDelivered'>;
  /** The outbox's sender: one sender per outbox keeps its events in order. */
  sender: KafkaSender;
  topic: KafkaTopic;
  encode: (event: E) => Message;
  /** The outbox row of an event. */
  rowId: (event: E) => string | number;
  /** Events pushed within this many milliseconds go in one send; a full batch goes at once. */
  batchMs: number;
  batchSize: number;
  /**
   * Sends that may wait on the sender. Past this, the broker is slow or away: a batch is left to
   * the outbox relay instead of waiting in memory.
   */
  maxBacklog: number;
  logger: Logger;
}

/**
 * The fast path of an outbox: the events of rows just committed are sent at once, batched over
 * `batchMs`, and their rows marked delivered when Kafka acknowledges them. A send that fails, or
 * a batch left while `maxBacklog` sends are waiting, keeps its rows undelivered: the outbox relay
 * sends them after its grace. So memory stays bounded while the broker is away, and no event
 * depends on this process staying up.
 */
export class OutboxFastPath<E> {
  private buffer: E[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: FastPathOptions<E>) {}

  /** Queues the events of committed rows for the next send. */
  push(events: E[]): void {
    if (this.stopped || !events.length) return;
    this.buffer.push(...events);
    this.flushIn(this.buffer.length >= this.o.batchSize ? 0 : this.o.batchMs);
  }

  /** Sends queued or under way on the sender (at most `maxBacklog` from this path). */
  get backlog(): number {
    return this.o.sender.backlog;
  }

  /** Sends what is queued and waits for every send under way; later pushes are left to the relay. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.flushIn(0);
    await new Promise((r) => setTimeout(r, 5));
    await Promise.allSettled([...this.inflight]);
  }

  private flushIn(ms: number): void {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      while (this.buffer.length) this.send(this.buffer.splice(0, this.o.batchSize));
    }, ms);
  }

  private send(events: E[]): void {
    if (this.o.sender.backlog >= this.o.maxBacklog) return;
    const run = this.o.sender
      .send(this.o.topic, events.map(this.o.encode))
      .then(() => this.o.outbox.markDelivered(events.map(this.o.rowId)))
      .catch((err: unknown) => {
        this.o.logger.warn(
          { err, topic: this.o.topic, count: events.length },
          'events not sent yet; the outbox relay sends them',
        );
      })
      .finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }
}
