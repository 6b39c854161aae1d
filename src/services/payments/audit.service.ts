import type { EntityManager } from '@mikro-orm/mysql';
import { PaymentStatus, RefundReason, paymentItems } from '../../entities/payment.entity';
import type { SaleStore } from '../sale/sale-store';
import { auditUnits } from './audit-units';
import {
  DiscrepancyKind,
  type AuditOptions,
  type AuditReport,
  type Discrepancy,
  type LedgerEntry,
  type PaymentLedger,
} from './audit.types';
import { paymentTable, type AuditRow } from './payment-table';

export * from './audit.types';

/** Orders whose money is owed back. */
const UNDONE = new Set(['CANCELLED', 'RETURNED']);
const time = (v: Date | string | null) => (v ? new Date(v).getTime() : 0);

/**
 * Reconciles the provider's ledger of charges and refunds with the `payments` rows, the orders
 * and the live units in Redis, checking that every charge ends as exactly one order or one refund
 * of the same amount, one kept charge per reservation, nothing stuck, no buyer told "paid" and
 * then refunded without an order, and Redis units equal to MySQL stock. It reads a page of rows
 * at a time (and the ledger entries of that page), never the whole table. Lists every
 * discrepancy; charges still being settled are counted apart (`inFlight`). Used by
 * `npm run audit:payments` and the admin `paymentAudit` query.
 */
export class PaymentAuditService {
  constructor(
    private readonly em: EntityManager,
    private readonly ledger: PaymentLedger,
    private readonly store: SaleStore,
    private readonly defaults: { stuckSeconds: number } = { stuckSeconds: 900 },
  ) {}

  async run(options: AuditOptions = {}): Promise<AuditReport> {
    const em = this.em.fork();
    const now = Date.now();
    const graceMs = (options.graceSeconds ?? 120) * 1000;
    const stuckMs = (options.stuckSeconds ?? this.defaults.stuckSeconds) * 1000;
    const pageSize = options.pageSize ?? 1000;
    const scope = options.paymentIds ? new Set(options.paymentIds) : null;
    const report: AuditReport = {
      charges: 0,
      refunds: 0,
      payments: 0,
      orders: 0,
      products: 0,
      inFlight: 0,
      discrepancies: [],
    };
    const add = (kind: DiscrepancyKind, row: Partial<AuditRow> | null, detail: string) =>
      report.discrepancies.push({
        kind,
        paymentId: row?.id ?? null,
        reservationId: row?.reservation_id ?? null,
        orderId: row?.order_id ?? null,
        detail,
      });
    const products = new Set<number>();
    const voidCharged: AuditRow[] = [];

    const check = (row: AuditRow, l: LedgerEntry | undefined) => {
      const amount = Number(row.amount);
      const order = row.order_id ? { id: row.order_id, status: row.order_status! } : null;
      report.payments++;
      if (order) report.orders++;
      if (l?.charged !== undefined) report.charges++;
      if (l?.refunded !== undefined) report.refunds++;
      for (const item of paymentItems(row.items)) products.add(item.productId);
      if (l?.charged !== undefined && l.charged !== amount)
        add(DiscrepancyKind.AMOUNT_MISMATCH, row, `charged ${l.charged}, payment says ${amount}`);
      if (order && Number(row.order_total) !== amount)
        add(DiscrepancyKind.AMOUNT_MISMATCH, row, `order total ${row.order_total}, paid ${amount}`);
      if (l?.refunded !== undefined && l.refunded !== (l.charged ?? amount))
        add(DiscrepancyKind.AMOUNT_MISMATCH, row, `refunded ${l.refunded} of ${l.charged}`);
      if (row.status === PaymentStatus.PENDING) {
        if (now - time(row.created_at) > stuckMs)
          add(DiscrepancyKind.STUCK_PENDING, row, `pending since ${String(row.created_at)}`);
        else report.inFlight++;
        return;
      }
      if (row.status === PaymentStatus.REFUNDING) {
        if (order && !UNDONE.has(order.status))
          add(
            DiscrepancyKind.REFUNDED_BUT_ORDERED,
            row,
            `refund owed; order ${order.id} is ${order.status}`,
          );
        else if (now - time(row.refund_requested_at) > stuckMs)
          add(
            DiscrepancyKind.STUCK_REFUNDING,
            row,
            `refund owed since ${String(row.refund_requested_at)}`,
          );
        else report.inFlight++;
        return;
      }
      if (row.status === PaymentStatus.REFUNDED && Number(row.refund_amount) !== amount)
        add(DiscrepancyKind.AMOUNT_MISMATCH, row, `refund owed ${row.refund_amount} of ${amount}`);
      if (
        !order &&
        row.status === PaymentStatus.REFUNDED &&
        row.refund_reason === RefundReason.UNPLACEABLE
      )
        add(
          DiscrepancyKind.TOLD_PAID_REFUNDED_NO_ORDER,
          row,
          'paid, then refunded: the order could not be written',
        );
      if (l?.charged !== undefined) {
        if (l.refunded === undefined && (!order || UNDONE.has(order.status))) {
          if (!order && row.status === PaymentStatus.PAID && now - time(row.paid_at) < graceMs) {
            report.inFlight++;
          } else {
            add(
              DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
              row,
              order
                ? `charged ${l.charged}; order ${order.id} is ${order.status} and nothing was refunded`
                : `charged ${l.charged}; no order and no refund (payment ${row.status})`,
            );
          }
        } else if (l.refunded !== undefined && order && !UNDONE.has(order.status)) {
          add(
            DiscrepancyKind.REFUNDED_BUT_ORDERED,
            row,
            `refunded ${l.refunded}; order ${order.id} is still ${order.status}`,
          );
        }
        if (row.status === PaymentStatus.VOID && !order) voidCharged.push(row);
      } else if (order) {
        add(
          DiscrepancyKind.ORDER_WITHOUT_CHARGE,
          row,
          `order ${order.id} (${order.status}) has no charge at the provider`,
        );
      }
    };

    // Payments with their orders, a page at a time (or the scoped ones).
    const scoped = scope ? [...scope] : null;
    for (let after = '', i = 0; ;) {
      const ids = scoped?.slice(i, (i += pageSize));
      if (ids && !ids.length) break;
      const rows = await paymentTable.auditPage(em, after, pageSize, ids);
      const ledger = await this.ledger.lookup(rows.map((r) => r.id));
      for (const row of rows) check(row, ledger.get(row.id));
      if (!ids && rows.length < pageSize) break;
      if (!ids) after = rows[rows.length - 1].id;
    }
    await this.toldPaid(voidCharged, add);
    await this.doubleCharges(em, scope, pageSize, add);
    if (!scope) await this.unrecorded(em, pageSize, add, report);
    const units = await auditUnits(
      em,
      this.store,
      scope ? [...products] : await this.store.saleProducts(),
    );
    report.products = units.products;
    report.discrepancies.push(...units.discrepancies);
    return report;
  }

  /** A void, refunded attempt whose reservation Redis holds as paid by it: pay answered "paid". */
  private async toldPaid(
    rows: AuditRow[],
    add: (k: DiscrepancyKind, r: AuditRow, d: string) => void,
  ) {
    for (const row of rows) {
      const record = await this.store.reservations.record(row.reservation_id);
      if (record?.status === 'PAID' && record.paymentId === row.id)
        add(
          DiscrepancyKind.TOLD_PAID_REFUNDED_NO_ORDER,
          row,
          'Redis holds it paid; MySQL voided and refunded it',
        );
    }
  }

  /** More than one kept (not refunded) charge for one reservation. */
  private async doubleCharges(
    em: EntityManager,
    scope: Set<string> | null,
    pageSize: number,
    add: (k: DiscrepancyKind, r: Partial<AuditRow> | null, d: string) => void,
  ) {
    for (let after = ''; ;) {
      const page = await paymentTable.severalAttempts(em, after, pageSize);
      const inScope = page.filter((p) => !scope || p.ids.some((id) => scope.has(id)));
      const ledger = await this.ledger.lookup(inScope.flatMap((p) => p.ids));
      for (const { reservation_id, ids } of inScope) {
        const kept = ids.filter((id) => {
          const l = ledger.get(id);
          return l?.charged !== undefined && l.refunded === undefined;
        });
        if (kept.length > 1)
          add(
            DiscrepancyKind.DOUBLE_CHARGE,
            { reservation_id },
            `${kept.length} kept charges for one reservation: ${kept.sort().join(', ')}`,
          );
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1].reservation_id;
    }
  }

  /** Charges with no payments row, and orders with no payments row. */
  private async unrecorded(
    em: EntityManager,
    pageSize: number,
    add: (k: DiscrepancyKind, r: Partial<AuditRow> | null, d: string) => void,
    report: AuditReport,
  ) {
    let cursor = '0';
    do {
      const [next, ids] = await this.ledger.scanCharges(cursor, pageSize);
      cursor = next;
      const known = await paymentTable.existing(em, ids);
      for (const id of ids.filter((i) => !known.has(i))) {
        report.charges++;
        add(
          DiscrepancyKind.CHARGED_WITHOUT_ORDER_OR_REFUND,
          { id },
          'charged; no payment recorded',
        );
      }
    } while (cursor !== '0');
    for (let after = 0; ;) {
      const orders = await paymentTable.orphanOrders(em, after, pageSize);
      const ledger = await this.ledger.lookup(orders.map((o) => o.payment_id));
      for (const o of orders) {
        report.orders++;
        if (ledger.get(o.payment_id)?.charged === undefined)
          add(
            DiscrepancyKind.ORDER_WITHOUT_CHARGE,
            { id: o.payment_id, reservation_id: o.reservation_id, order_id: o.id },
            `order ${o.id} (${o.status}) has no charge at the provider`,
          );
      }
      if (orders.length < pageSize) break;
      after = orders[orders.length - 1].id;
    }
  }
}

export type { Discrepancy };
