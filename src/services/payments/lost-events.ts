import type { EntityManager } from '@mikro-orm/mysql';
import type { Kafka } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import { withKafkaAdmin } from '../../clients/kafka';
import { groupId, KAFKA_TOPICS, topicName } from '../../clients/topics';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { paymentTable } from './payment-table';
import type { PaymentRefundService } from './refund.service';

/** A point the order writer must read past: the time (MySQL's clock) and each partition's end. */
interface Mark {
  at: Date;
  ends: Map<number, bigint>;
}

/** How far back the first pass after a start looks for lost events. */
const FIRST_LOOKBACK_MS = 24 * 3600_000;
/** Payments queued again per pass, at most; the rest wait for the next pass. */
const LIMIT = 500;

/**
 * The backstop behind the payment events: finds paid payments whose `payment.completed` event
 * Kafka acknowledged (`published_at` set) but that never became an order, although the order
 * writer has read past every event acknowledged by then, and queues their events to be sent
 * again (the relay sends them; the order writer dedupes by payment id).
 *
 * Each pass first looks at the mark the pass before it left: the time, and each partition's end
 * offset read just after it. Every event acknowledged before that time lies below those offsets.
 * Once the order writer's committed offsets reach them, such an event has been written as an
 * order, refunded (its payment is no longer PAID) or dead-lettered; a payment published before
 * the mark that is still PAID with no order lost its event. While the writer is behind, the mark
 * waits; once it is passed, the pass checks the payments published since the last mark it
 * checked, then leaves a new mark.
 *
 * An event is sent again once (`events_resent`). A payment found lost after that has an event
 * that cannot become an order (the writer dead-letters it as malformed): it is settled as
 * unplaceable, refunded with its units released, instead of being sent again every pass.
 */
export class LostPaymentEvents {
  private mark: Mark | undefined;
  private checkedUpTo: Date | undefined;
  private readonly resent: Counter;

  constructor(
    private readonly kafka: Kafka,
    private readonly em: EntityManager,
    private readonly config: Config['kafka'],
    private readonly refunds: Pick<PaymentRefundService, 'settleUnplaceable'>,
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.resent = new Counter({
      name: 'payment_events_resent_total',
      help: 'Paid payments whose acknowledged event never reached the order writer: sent again',
      registers: [registry],
    });
  }

  /** One pass; returns how many payments' events it queued to be sent again. */
  async check(): Promise<number> {
    // The time first, then the offsets: everything acknowledged before `at` lies below `high`.
    const [{ at }] = await this.em.getConnection().execute<{ at: Date }[]>('select now(3) as at');
    const [committed, offsets] = await withKafkaAdmin(this.kafka, (admin) =>
      Promise.all([
        admin.fetchOffsets({ groupId: groupId(this.config, 'order-writer'), topics: [this.topic] }),
        admin.fetchTopicOffsets(this.topic),
      ]),
    );
    let queued = 0;
    if (this.mark) {
      if (!writerPassed(this.mark, committed[0].partitions, offsets)) return 0;
      const lost = await this.requeueLost(this.mark.at);
      queued = lost.queued;
      // A full page leaves the rest of the window to the next pass.
      if (lost.found < LIMIT) this.checkedUpTo = this.mark.at;
    }
    this.mark = {
      at: new Date(at),
      ends: new Map(offsets.map((o) => [o.partition, BigInt(o.high)])),
    };
    return queued;
  }

  private get topic(): string {
    return topicName(this.config, KAFKA_TOPICS.paymentCompleted);
  }

  /**
   * Queues the events of payments published before `before` that are PAID with no order, and
   * settles those whose event was sent again already; says how many it found and how many it
   * queued (another instance may have queued some already).
   */
  private async requeueLost(before: Date): Promise<{ found: number; queued: number }> {
    const since = this.checkedUpTo ?? new Date(before.getTime() - FIRST_LOOKBACK_MS);
    const lost = await paymentTable.unwrittenPublished(this.em, since, before, LIMIT);
    if (!lost.length) return { found: 0, queued: 0 };
    for (const row of lost.filter((r) => Number(r.events_resent) > 0)) {
      await this.refunds.settleUnplaceable(
        { paymentId: row.id, reservationId: row.reservation_id },
        'its event was sent again and still did not become an order',
      );
    }
    const ids = lost.filter((r) => Number(r.events_resent) === 0).map((r) => r.id);
    if (!ids.length) return { found: lost.length, queued: 0 };
    const queued = await paymentTable.requeueEvents(this.em, ids, before);
    if (queued) {
      this.resent.inc(queued);
      this.logger.error(
        { count: queued, paymentIds: ids.slice(0, 20) },
        'paid payments whose acknowledged event never reached the order writer: sending them again',
      );
    }
    return { found: lost.length, queued };
  }
}

/**
 * True once the order writer has read every partition up to the mark's end offset: its
 * committed offset reaches it, or nothing below it is left to read (retention or a deletion
 * moved the partition's start past it).
 */
function writerPassed(
  mark: Mark,
  committed: { partition: number; offset: string }[],
  offsets: { partition: number; low: string }[],
): boolean {
  const read = new Map(committed.map((p) => [p.partition, BigInt(p.offset)]));
  const start = new Map(offsets.map((p) => [p.partition, BigInt(p.low)]));
  return [...mark.ends].every(
    ([partition, end]) =>
      (start.get(partition) ?? 0n) >= end || (read.get(partition) ?? -1n) >= end,
  );
}
