import { PaymentStatus } from '../../entities/payment.entity';

/**
 * The `payments` table's status machine, as data: the only moves a row may make. Every guarded
 * UPDATE of a status is built from it (`transition`), so the rules are read here, not in where
 * clauses spread over the services. PENDING is written by `pay` before the charge; PAID is the
 * only status that counts as sold.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  [PaymentStatus.PENDING]: [PaymentStatus.PAID, PaymentStatus.DECLINED, PaymentStatus.VOID],
  [PaymentStatus.PAID]: [PaymentStatus.REFUNDING],
  [PaymentStatus.REFUNDING]: [PaymentStatus.REFUNDED],
  [PaymentStatus.DECLINED]: [],
  [PaymentStatus.VOID]: [],
  [PaymentStatus.REFUNDED]: [],
};

/** Statuses whose payment was charged and kept at some point (at most one per reservation). */
export const CHARGED_STATUSES = [
  PaymentStatus.PAID,
  PaymentStatus.REFUNDING,
  PaymentStatus.REFUNDED,
] as const;

/** A `status = '…'` condition (statuses are enum members, never user input). */
export const statusIs = (status: PaymentStatus, alias = ''): string =>
  `${alias ? `${alias}.` : ''}status = '${status}'`;

/**
 * The SET and WHERE parts of a guarded move `from` → `to`: `set` adds columns, `where` narrows
 * the rows. Throws for a move the table does not allow, so a wrong transition fails in the first
 * test that runs it.
 */
export function transition(
  from: PaymentStatus,
  to: PaymentStatus,
  parts: { set?: string; where: string; alias?: string },
): string {
  if (!PAYMENT_TRANSITIONS[from].includes(to))
    throw new Error(`payments: no transition ${from} → ${to}`);
  const a = parts.alias ? `${parts.alias}.` : '';
  const set = [`${a}status = '${to}'`, parts.set].filter(Boolean).join(', ');
  return `set ${set} where (${parts.where}) and ${statusIs(from, parts.alias)}`;
}

/** The SET clause of an allowed move `from` → `to` (`set` adds columns); throws for any other. */
export function transitionSet(from: PaymentStatus, to: PaymentStatus, set?: string): string {
  if (!PAYMENT_TRANSITIONS[from].includes(to))
    throw new Error(`payments: no transition ${from} → ${to}`);
  return [`status = '${to}'`, set].filter(Boolean).join(', ');
}
