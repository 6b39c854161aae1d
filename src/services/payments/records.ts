import type { EntityManager } from '@mikro-orm/mysql';
import { PaymentStatus, paymentItems, type PaymentItem } from '../../entities/payment.entity';
import type { Logger } from '../../logger';
import { GroupCommit, ItemFailure } from '../common/group-commit';
import type { PaymentEventPublisher } from './events';
import { fromRow as paymentCompleted } from './payment-completed';
import { ROW_COLUMNS, statusIs, transition } from './payment-table';

export { ROW_COLUMNS } from './payment-table';

/** A `payments` row as the payment paths read it. */
export interface PaymentRow {
  id: string;
  reservation_id: string;
  user_id: number;
  amount: number;
  items: string | PaymentItem[];
  status: PaymentStatus;
  created_at: Date;
  paid_at: Date | null;
}

/** The fast path sends at once; the relay only picks up rows still unsent after this delay. */
const RELAY_GRACE_MS = 3000;
/** Rows per multi-row statement. */
const MAX_BATCH = 500;
/** Deadlock, lock wait timeout: the statement was rolled back and can simply run again. */
const TRANSIENT = new Set([1213, 1205]);
/**
 * A row's own fault (duplicate key, value out of range, too long, bad value): the batch is
 * written again one row at a time, so only that row's caller fails.
 */
const ROW_FAULT = new Set([1062, 1264, 1406, 1690, 3140, 1366, 1292]);

/**
 * markPaid: another payment of this reservation is already charged and kept (PAID, REFUNDING or
 * REFUNDED): the unique key refused this one. Its charge must be given back.
 */
export class ReservationAlreadyPaid extends Error {
  constructor(readonly paymentId: string) {
    super(`another payment of the reservation of ${paymentId} is already paid`);
  }
}

const RETRIES = 3;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * The `payments` rows of the payment paths, written with group commits: PENDING rows of
 * concurrent `pay` calls go in one multi-row INSERT, and their PENDING → PAID updates in one
 * guarded UPDATE, each caller awaiting its own row. A failed group commit fails every caller
 * of its batch (so no charge is made without its row).
 */
export class PaymentRecords {
  private readonly pending: GroupCommit<PaymentRow & { nextAttemptAt: Date }, void>;
  private readonly paid: GroupCommit<{ id: string; paidAt: Date }, boolean | 'duplicate'>;

  constructor(
    private readonly em: EntityManager,
    private readonly events: PaymentEventPublisher,
    private readonly logger: Logger,
  ) {
    const options = { maxBatch: MAX_BATCH, concurrency: 2 };
    this.pending = new GroupCommit((rows) => this.insertPending(rows), options);
    this.paid = new GroupCommit((rows) => this.markPaidRows(rows), options);
  }

  /** Writes a PENDING row (with the next batch); the recovery looks at it from `nextAttemptAt`. */
  recordPending(row: PaymentRow, nextAttemptAt: Date): Promise<void> {
    return this.pending.submit({ ...row, nextAttemptAt });
  }

  /**
   * PENDING → PAID (guarded, so exactly one caller wins), then the event goes out at once; the
   * relay picks it up after a short grace if that send fails. False when the row was no longer
   * PENDING; throws ReservationAlreadyPaid when another payment of its reservation is paid.
   */
  async markPaid(row: PaymentRow, paidAt: Date): Promise<boolean> {
    const won = await this.paid.submit({ id: row.id, paidAt });
    if (won === 'duplicate') throw new ReservationAlreadyPaid(row.id);
    if (!won) return false;
    this.events.push([paymentCompleted({ ...row, paid_at: paidAt })]);
    return true;
  }

  /** PENDING → DECLINED or VOID; a failure is logged (the recovery settles the row later). */
  async settle(paymentId: string, status: PaymentStatus.DECLINED | PaymentStatus.VOID) {
    try {
      await this.sql(
        `update payments ${transition(PaymentStatus.PENDING, status, { where: 'id = ?' })}`,
        [paymentId],
      );
    } catch (err) {
      this.logger.error({ err, paymentId, status }, 'payment outcome not recorded yet');
    }
  }

  /** Moves a PENDING row's next look by the recovery to `at`. */
  async postpone(paymentId: string, at: Date): Promise<void> {
    await this.sql(
      `update payments set next_attempt_at = ? where id = ? and ${statusIs(PaymentStatus.PENDING)}`,
      [at, paymentId],
    );
  }

  /** A payment by id, or else the PAID payment of a reservation. */
  async find(paymentId: string | null, reservationId: string): Promise<PaymentRow | undefined> {
    const [row] = paymentId
      ? await this.sql<PaymentRow[]>(`select ${ROW_COLUMNS} from payments where id = ?`, [
          paymentId,
        ])
      : await this.sql<PaymentRow[]>(
          `select ${ROW_COLUMNS} from payments where reservation_id = ? and ${statusIs(PaymentStatus.PAID)}`,
          [reservationId],
        );
    return row;
  }

  /**
   * One statement on the ORM's own knex and pool: rows for a SELECT, the driver's result header
   * otherwise. It takes less CPU than the entity manager's `execute`, which matters for the
   * batch statements of `pay`.
   */
  private async sql<T>(statement: string, params: unknown[]): Promise<T> {
    // knex hands back the mysql2 driver's answer as is: [rows or result header, fields].
    const answer: unknown = await this.em
      .getConnection()
      .getKnex()
      .raw(statement, params as never[]);
    return (answer as [T])[0];
  }

  private insertPending(
    rows: (PaymentRow & { nextAttemptAt: Date })[],
  ): Promise<(void | ItemFailure)[]> {
    const insert = (batch: typeof rows) =>
      this.retrying(() =>
        this.sql(
          `insert into payments (id, reservation_id, user_id, amount, items, status, created_at, attempts, next_attempt_at)
           values ${batch.map(() => `(?, ?, ?, ?, ?, 'PENDING', ?, 0, ?)`).join(',')}`,
          batch.flatMap((r) => [
            r.id,
            r.reservation_id,
            r.user_id,
            r.amount,
            JSON.stringify(paymentItems(r.items)),
            r.created_at,
            r.nextAttemptAt,
          ]),
        ),
      );
    return this.rowByRowOnFault(rows, insert, async (row) => {
      await insert([row]);
    });
  }

  /**
   * Runs `all` for the batch; when it fails for one row's fault (ROW_FAULT), runs `one` for each
   * row instead, so one bad row fails only its own caller.
   */
  private async rowByRowOnFault<R, T>(
    rows: R[],
    all: (rows: R[]) => Promise<unknown>,
    one: (row: R) => Promise<T>,
  ): Promise<(T | ItemFailure)[]> {
    try {
      await all(rows);
      return rows.map(() => undefined as T);
    } catch (err) {
      if (!ROW_FAULT.has(Number((err as { errno?: number }).errno))) throw err;
      const results = await Promise.allSettled(rows.map(one));
      // GroupCommit hands each caller its own result: a failed row fails its caller alone.
      return results.map((r) => (r.status === 'fulfilled' ? r.value : new ItemFailure(r.reason)));
    }
  }

  /**
   * PENDING → PAID in one statement. When every row of the batch was still PENDING (the usual
   * case) the first caller of each row has won. When some were not (a recovery or another
   * attempt got there first), the statement does not tell which rows it changed, so no caller of
   * the batch is told it won: their events then go out with the relay after its grace (the rows
   * are paid and unpublished), and an event sent twice still makes one order (the order writer
   * dedupes by payment id).
   */
  private async markPaidRows(
    rows: { id: string; paidAt: Date }[],
  ): Promise<(boolean | 'duplicate' | ItemFailure)[]> {
    const first = new Map<string, { id: string; paidAt: Date }>();
    for (const r of rows) if (!first.has(r.id)) first.set(r.id, r);
    const update = (paid: { id: string; paidAt: Date }[]) =>
      this.retrying(() =>
        this.sql<{ affectedRows: number }>(
          `update payments ${transition(PaymentStatus.PENDING, PaymentStatus.PAID, {
            set: `paid_at = coalesce(paid_at, case id ${paid.map(() => 'when ? then ?').join(' ')} end),
              next_attempt_at = ?`,
            where: `id in (${marks(paid.length)})`,
          })}`,
          [
            ...paid.flatMap((r) => [r.id, r.paidAt]),
            new Date(Date.now() + RELAY_GRACE_MS),
            ...paid.map((r) => r.id),
          ],
        ),
      );
    const paid = [...first.values()];
    let allWon = false;
    // A duplicate (another payment of a reservation is paid) fails the statement: row by row,
    // only that row's caller hears of it.
    const each = await this.rowByRowOnFault(
      paid,
      async (batch) => {
        allWon = Number((await update(batch)).affectedRows) === batch.length;
      },
      async (row): Promise<boolean | 'duplicate'> => {
        try {
          return Number((await update([row])).affectedRows) === 1;
        } catch (err) {
          if (Number((err as { errno?: number }).errno) === 1062) return 'duplicate';
          throw err;
        }
      },
    );
    const byId = new Map(paid.map((r, i) => [r.id, each[i]]));
    return rows.map((r) => {
      if (first.get(r.id) !== r) return false;
      const one = byId.get(r.id);
      return one === undefined ? allWon : one;
    });
  }

  /**
   * Runs a batch's statement again after a deadlock or lock wait timeout. A batch that still fails
   * is logged once and each caller gets a short error (not the batch's SQL, which holds every row).
   */
  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const { errno, code, sqlMessage } = err as {
          errno?: number;
          code?: string;
          sqlMessage?: string;
        };
        if (attempt < RETRIES && TRANSIENT.has(Number(errno))) {
          this.logger.warn({ errno, attempt }, 'payment rows rolled back; writing them again');
          continue;
        }
        const reason = sqlMessage ?? (err as Error).message;
        this.logger.error({ errno, code, reason }, 'payment rows not written');
        throw Object.assign(new Error(`payment rows not written: ${reason}`), { errno, code });
      }
    }
  }
}
