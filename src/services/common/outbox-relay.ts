import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../../logger';

/** How long a failed delivery waits: `baseMs` after the first failure, doubling, at most `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The one backoff rule of every outbox: the n-th failed attempt waits base·2^(n−1), capped. */
export function backoffMs(attempt: number, { baseMs, maxMs }: Backoff): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** Which rows of an outbox table are due for delivery, and how long a claim keeps them. */
export interface ClaimOptions {
  table: string;
  /** Selected columns; `id` and `attempts` are always among them. */
  columns: string;
  /** SQL condition of a row still to deliver; also guards every update of the relay. */
  pending: string;
  /** SQL condition of a due row (default: `next_attempt_at <= now(3)`). */
  due?: string;
  /**
   * Claim order (default: `next_attempt_at`). It must be the order of an index that the pending
   * and due conditions scan: then the scan stops after `limit` rows. Any other order makes MySQL
   * read, lock and sort every pending row before the limit, and a concurrent claim skips them all
   * (SKIP LOCKED) and finds nothing. The claim tests check every source's plan.
   */
  orderBy?: string;
  limit: number;
  /** A claimed row is left alone by other relays this long (`next_attempt_at` moves ahead). */
  leaseMs: number;
  /** SQL condition of a pending row no longer worth delivering, and the SET clause it gets. */
  expire?: { when: string; set: string };
}

export interface OutboxRow {
  id: string | number;
  attempts: number;
}

/** The locking read of a claim; its one parameter is the limit. */
export function claimSelect(o: Omit<ClaimOptions, 'limit' | 'leaseMs'>): string {
  const expired = o.expire ? `, (${o.expire.when}) as outbox_expired` : '';
  return `select ${o.columns}${expired} from ${o.table}
    where ${o.pending} and ${o.due ?? 'next_attempt_at <= now(3)'}
    order by ${o.orderBy ?? 'next_attempt_at'} limit ? for update skip locked`;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * Claims up to `limit` due rows for one relay: a short transaction selects them with SKIP LOCKED
 * and leases them by moving `next_attempt_at` `leaseMs` ahead (expired rows get their `expire`
 * SET instead), then commits. The caller works on the rows with no transaction or row lock open;
 * other relays skip them until the lease is over, so work that outlives its lease may be done
 * twice and must be safe to repeat. READ COMMITTED and an indexed claim order (`orderBy`): the
 * scan locks only the rows it claims, not the gaps between index entries nor the pending rows past
 * the limit, so it never holds up (or deadlocks with) inserts of new rows or other relays' claims.
 */
export function claimDue<T extends OutboxRow>(em: EntityManager, o: ClaimOptions): Promise<T[]> {
  return em.fork().transactional(
    async (tem) => {
      const due = await tem.execute<(T & { outbox_expired?: number })[]>(claimSelect(o), [o.limit]);
      const gone = due.filter((r) => Number(r.outbox_expired) === 1);
      const live = due.filter((r) => Number(r.outbox_expired ?? 0) !== 1);
      if (gone.length && o.expire) {
        await tem.execute(
          `update ${o.table} set ${o.expire.set} where id in (${marks(gone.length)})`,
          gone.map((r) => r.id),
          'run',
        );
      }
      if (live.length) {
        await tem.execute(
          `update ${o.table} set next_attempt_at = now(3) + interval ? microsecond
         where id in (${marks(live.length)})`,
          [o.leaseMs * 1000, ...live.map((r) => r.id)],
          'run',
        );
      }
      for (const r of live) delete r.outbox_expired;
      return live;
    },
    { isolationLevel: IsolationLevel.READ_COMMITTED },
  );
}

/** One outbox: where its rows are, how a row is delivered, and what a delivered row becomes. */
export interface OutboxSource<Row extends OutboxRow> extends Omit<ClaimOptions, 'limit'> {
  /** Named in logs. */
  name: string;
  /** Rows per pass. */
  limit: number;
  backoff: Backoff;
  /** SET clause of a delivered row (`attempts` is counted by the relay). */
  delivered: string;
  /**
   * Which claimed rows a delivery may mark delivered (default: `pending`). A source whose rows can
   * be expired while one is being delivered names that status too, so a row that did go out
   * says so.
   */
  deliveredWhere?: string;
  /**
   * `batch`: `deliver` gets every claimed row at once, and a failure fails them all (one Kafka
   * send). `each`: `deliver` gets one row at a time, and each fails on its own (a mail, a refund).
   */
  mode: 'batch' | 'each';
  deliver(rows: Row[]): Promise<void>;
}

/**
 * The one relay of every outbox (mail, payment events, order events, refunds): each pass claims
 * the source's due rows (`claimDue`: SKIP LOCKED, then a lease), runs the source's delivery with
 * no transaction open, then marks the delivered rows with the source's `delivered` SET and backs
 * the failed ones off by the shared rule (`backoffMs`), keeping the error. Every update is guarded
 * by the source's `pending` condition, so a row another path delivered meanwhile is left alone.
 * Safe on several processes at once.
 */
export class OutboxRelay<Row extends OutboxRow> {
  constructor(
    private readonly em: EntityManager,
    readonly source: OutboxSource<Row>,
    private readonly logger: Logger,
  ) {}

  /** One pass: returns how many rows were delivered. */
  async run(limit = this.source.limit): Promise<number> {
    const rows = await claimDue<Row>(this.em, { ...this.source, limit });
    if (!rows.length) return 0;
    const groups = this.source.mode === 'batch' ? [rows] : rows.map((r) => [r]);
    let delivered = 0;
    for (const group of groups) {
      try {
        await this.source.deliver(group);
      } catch (err) {
        await this.backOff(group, err);
        continue;
      }
      await this.markDelivered(
        group.map((r) => r.id),
        true,
      );
      delivered += group.length;
    }
    return delivered;
  }

  /**
   * Marks rows delivered: by a pass of this relay (`attempted`: the attempt is counted), or by a
   * faster path of the source that delivered them at once.
   */
  async markDelivered(ids: (string | number)[], attempted = false): Promise<void> {
    if (!ids.length) return;
    const { table, delivered, pending, deliveredWhere = pending } = this.source;
    await this.em
      .fork()
      .getConnection()
      .execute(
        `update ${table} set ${delivered}${attempted ? ', attempts = attempts + 1' : ''}
         where id in (${marks(ids.length)}) and ${deliveredWhere}`,
        ids,
        'run',
      );
  }

  private async backOff(rows: Row[], err: unknown): Promise<void> {
    const { table, pending, backoff, name } = this.source;
    const error = String((err as Error)?.message ?? err).slice(0, 500);
    const byAttempts = new Map<number, Row[]>();
    for (const r of rows) {
      const n = Number(r.attempts) + 1;
      byAttempts.set(n, [...(byAttempts.get(n) ?? []), r]);
    }
    const conn = this.em.fork().getConnection();
    for (const [attempt, group] of byAttempts) {
      const delayMs = backoffMs(attempt, backoff);
      await conn.execute(
        `update ${table} set attempts = attempts + 1, last_error = ?,
           next_attempt_at = now(3) + interval ? microsecond
         where id in (${marks(group.length)}) and ${pending}`,
        [error, delayMs * 1000, ...group.map((r) => r.id)],
        'run',
      );
      this.logger.warn(
        { err: error, outbox: name, count: group.length, attempt, retryInMs: delayMs },
        'outbox delivery failed; retrying later',
      );
    }
  }
}
