import type { EntityManager } from '@mikro-orm/mysql';
import { claimDue } from '../common/outbox-relay';

/**
 * Claims up to `limit` due `payments` rows matching `where` for one worker, as every outbox relay
 * claims its rows (`claimDue`: SKIP LOCKED, then a lease of `leaseMs`). Work on a claimed row that
 * outlives its lease may be done twice, and must be safe to repeat.
 */
export function claimDuePayments<T extends { id: string; attempts?: number }>(
  em: EntityManager,
  options: { columns: string; where: string; limit: number; leaseMs: number },
): Promise<T[]> {
  return claimDue<T & { attempts: number }>(em, {
    table: 'payments',
    columns: options.columns,
    pending: options.where,
    limit: options.limit,
    leaseMs: options.leaseMs,
  });
}
