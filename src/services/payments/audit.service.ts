import type { EntityManager } from '@mikro-orm/mysql';

/** The provider's own records of money moved, by payment id (amount in minor units). */
export interface PaymentLedger {
  charges(): Promise<Map<string, number>>;
  refunds(): Promise<Map<string, number>>;
}

export enum DiscrepancyKind {
  /** The provider took money that became neither an order nor a refund. */
  CHARGED_WITHOUT_ORDER_OR_REFUND = 'CHARGED_WITHOUT_ORDER_OR_REFUND',
  /** The money went back, yet the order stands (neither cancelled nor returned). */
  REFUNDED_BUT_ORDERED = 'REFUNDED_BUT_ORDERED',
  /** One reservation was charged more than once. */
  DOUBLE_CHARGE = 'DOUBLE_CHARGE',
  /** An order whose payment the provider never charged. */
  ORDER_WITHOUT_CHARGE = 'ORDER_WITHOUT_CHARGE',
}

export interface Discrepancy {
  kind: DiscrepancyKind;
  paymentId: string | null;
  reservationId: string | null;
  orderId: number | null;
  detail: string;
}

export interface AuditReport {
  /** Charges, refunds, payment rows and orders looked at. */
  charges: number;
  refunds: number;
  payments: number;
  orders: number;
  /**
   * Charges still on their way to an outcome, not counted as discrepancies: a payment PENDING (its
   * pay() or the recovery settles it), REFUNDING (the refund worker gives it back), or PAID less
   * than `graceSeconds` ago with no order yet (the order writer is behind).
   */
  inFlight: number;
  discrepancies: Discrepancy[];
}

export interface AuditOptions {
  /** How long a paid payment may wait for its order before it counts as a discrepancy. */
  graceSeconds?: number;
  /** Only these payments (and their reservations' other charges); all when omitted. */
  paymentIds?: string[];
}

interface PaymentRow {
  id: string;
  reservation_id: string;
  status: string;
  paid_at: Date | string | null;
}

interface OrderRow {
  id: number;
  payment_id: string;
  reservation_id: string;
  status: string;
}

/** Orders whose money is owed back. */
const UNDONE = new Set(['CANCELLED', 'RETURNED']);

/**
 * Reconciles the provider's ledger of charges and refunds with the `payments` rows and the
 * orders, checking the promise that every charge ends as exactly one order or one refund, and one
 * charge per reservation. Lists every discrepancy; charges still being settled are counted apart
 * (`inFlight`). Used by `npm run audit:payments` and the admin `paymentAudit` query.
 */
export class PaymentAuditService {
  constructor(
    private readonly em: EntityManager,
    private readonly ledger: PaymentLedger,
  ) {}

  async run(options: AuditOptions = {}): Promise<AuditReport> {
    const graceMs = (options.graceSeconds ?? 120) * 1000;
    const scope = options.paymentIds ? new Set(options.paymentIds) : null;
    const inScope = (id: string) => !scope || scope.has(id);
    const conn = this.em.fork().getConnection();
    const [charges, refunds, payments, orders] = await Promise.all([
      this.ledger.charges(),
      this.ledger.refunds(),
      conn.execute<PaymentRow[]>('select id, reservation_id, status, paid_at from payments'),
      conn.execute<OrderRow[]>('select id, payment_id, reservation_id, status from orders'),
    ]);
    const paymentById = new Map(payments.map((p) => [p.id, p]));
    const orderByPayment = new Map(orders.map((o) => [o.payment_id, o]));
    const discrepancies: Discrepancy[] = [];
    const report = (
      kind: DiscrepancyKind,
      paymentId: string | null,
      detail: string,
      extra: { reservationId?: string | null; orderId?: number | null } = {},
    ) =>
      discrepancies.push({
        kind,
        paymentId,
        reservationId:
          extra.reservationId ??
          (paymentId ? (paymentById.get(paymentId)?.reservation_id ?? null) : null),
        orderId: extra.orderId ?? (paymentId ? (orderByPayment.get(paymentId)?.id ?? null) : null),
        detail,
      });

    let inFlight = 0;
    let looked = 0;
    const chargesOf = new Map<string, string[]>();
    for (const [paymentId, amount] of charges) {
      if (!inScope(paymentId)) continue;
      looked++;
      const row = paymentById.get(paymentId);
      const order = orderByPayment.get(paymentId);
      const refunded = refunds.get(paymentId);
      const reservationId = row?.reservation_id ?? order?.reservation_id;
      if (reservationId)
        chargesOf.set(reservationId, [...(chargesOf.get(reservationId) ?? []), paymentId]);
      if (row?.status === 'PENDING' || row?.status === 'REFUNDING') {
        inFlight++;
        continue;
      }
      if (refunded === undefined && (!order || UNDONE.has(order.status))) {
        const paidAt = row?.paid_at ? new Date(row.paid_at).getTime() : 0;
        if (!order && row?.status === 'PAID' && Date.now() - paidAt < graceMs) {
          inFlight++;
          continue;
        }
        report(
          DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
          paymentId,
          order
            ? `charged ${amount}; order ${order.id} is ${order.status} and nothing was refunded`
            : `charged ${amount}; no order and no refund (payment ${row ? row.status : 'not recorded'})`,
        );
      } else if (refunded !== undefined && order && !UNDONE.has(order.status)) {
        report(
          DiscrepancyKind.REFUNDED_BUT_ORDERED,
          paymentId,
          `refunded ${refunded}; order ${order.id} is still ${order.status}`,
        );
      }
    }
    for (const [reservationId, ids] of chargesOf) {
      if (ids.length < 2) continue;
      report(
        DiscrepancyKind.DOUBLE_CHARGE,
        null,
        `${ids.length} charges for one reservation: ${ids.sort().join(', ')}`,
        { reservationId },
      );
    }
    let orderCount = 0;
    for (const order of orders) {
      if (!inScope(order.payment_id)) continue;
      orderCount++;
      if (!charges.has(order.payment_id))
        report(
          DiscrepancyKind.ORDER_WITHOUT_CHARGE,
          order.payment_id,
          `order ${order.id} (${order.status}) has no charge at the provider`,
          { orderId: order.id, reservationId: order.reservation_id },
        );
    }
    return {
      charges: looked,
      refunds: [...refunds.keys()].filter(inScope).length,
      payments: payments.filter((p) => inScope(p.id)).length,
      orders: orderCount,
      inFlight,
      discrepancies,
    };
  }
}
