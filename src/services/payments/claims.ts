import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';

/**
 * Claims up to `limit` due `payments` rows matching `where` for one worker: a short transaction
 * selects them with SKIP LOCKED and leases them by moving `next_attempt_at` `leaseMs` ahead, then
 * commits. The caller works on the rows with no transaction or row lock open; other workers skip
 * them until the lease is over (so work that outlives its lease may be done twice, and must be
 * safe to repeat). READ COMMITTED: the scan locks only the rows it claims, not the gaps between
 * index entries, so it never holds up (or deadlocks with) the inserts of new payment rows.
 */
export function claimDuePayments<T extends { id: string }>(
  em: EntityManager,
  options: { columns: string; where: string; limit: number; leaseMs: number },
): Promise<T[]> {
  return em.fork().transactional(
    async (tem) => {
      const due = await tem.execute<T[]>(
        `select ${options.columns} from payments
       where ${options.where} and next_attempt_at <= now(3)
       order by next_attempt_at limit ? for update skip locked`,
        [options.limit],
      );
      if (due.length) {
        await tem.execute(
          `update payments set next_attempt_at = now(3) + interval ? microsecond
         where id in (${due.map(() => '?').join(',')})`,
          [options.leaseMs * 1000, ...due.map((r) => r.id)],
          'run',
        );
      }
      return due;
    },
    { isolationLevel: IsolationLevel.READ_COMMITTED },
  );
}
