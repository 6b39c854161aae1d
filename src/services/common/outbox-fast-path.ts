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
   * Events held in memory at most, waiting or in the send under way. Past this the broker is
   * slow or away: newer events are left to the outbox relay.
   */
  maxHeld: number;
  logger: Logger;
}

/**
 * The fast path of an outbox: the events of rows just committed are sent at once, batched, and
 * their rows marked delivered when Kafka acknowledges them. One send is under way at a time;
 * events pushed meanwhile go together in the next one, so a slow broker gets fewer, larger sends.
 * A send that fails, or an event pushed while `maxHeld` are held, leaves its rows undelivered:
 * the outbox relay sends them after its grace. So memory stays bounded while the broker is away,
 * and no event depends on this process staying up.
 */
export class OutboxFastPath<E> {
  private buffer: E[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The send under way, and how many events it carries. */
  private sending: Promise<void> | undefined;
  private sendingCount = 0;
  private stopped = false;

  constructor(private readonly o: FastPathOptions<E>) {}

  /** Queues the events of committed rows for the next send (those past `maxHeld` are left). */
  push(events: E[]): void {
    const room = this.o.maxHeld - this.held;
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

  /** Events held in memory: waiting, or in the send under way (at most `maxHeld`). */
  get held(): number {
    return this.buffer.length + this.sendingCount;
  }

  /** Sends what is held, until a send fails; later pushes are left to the relay. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sendNext();
    while (this.sending) await this.sending;
  }

  private sendNext(): void {
    if (this.sending || !this.buffer.length) return;
    const events = this.buffer.splice(0, this.o.batchSize);
    this.sendingCount = events.length;
    let failed = false;
    this.sending = this.o.sender
      .send(this.o.topic, events.map(this.o.encode))
      .then(() => this.o.outbox.markDelivered(events.map(this.o.rowId)))
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
