/** What the provider holds of one payment id (amounts in minor units). */
export interface LedgerEntry {
  charged?: number;
  refunded?: number;
  /** Refund requests received, booked or not, and the sum of their amounts. */
  refundRequests: number;
  refundRequested: number;
}

/** The provider's own records of money moved, by payment id, read a page at a time. */
export interface PaymentLedger {
  lookup(paymentIds: string[]): Promise<Map<string, LedgerEntry>>;
  /** One page of charged payment ids (HSCAN-like: cursor '0' starts and ends). */
  scanCharges(cursor: string, count: number): Promise<[string, string[]]>;
}

export enum DiscrepancyKind {
  /** The provider took money that became neither an order nor a refund. */
  CHARGED_WITHOUT_ORDER_OR_REFUND = 'CHARGED_WITHOUT_ORDER_OR_REFUND',
  /** The money went back (or is owed back), yet the order stands. */
  REFUNDED_BUT_ORDERED = 'REFUNDED_BUT_ORDERED',
  /** One reservation has more than one charge that was kept (not refunded). */
  DOUBLE_CHARGE = 'DOUBLE_CHARGE',
  /** An order whose payment the provider never charged. */
  ORDER_WITHOUT_CHARGE = 'ORDER_WITHOUT_CHARGE',
  /** Charge, payment, order and refund amounts of one payment disagree. */
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  /** A payment PENDING longer than the stuck threshold: neither its pay nor the recovery settled it. */
  STUCK_PENDING = 'STUCK_PENDING',
  /** A refund owed longer than the stuck threshold: the provider keeps refusing it. */
  STUCK_REFUNDING = 'STUCK_REFUNDING',
  /** The buyer was told "paid", then refunded, and got no order. */
  TOLD_PAID_REFUNDED_NO_ORDER = 'TOLD_PAID_REFUNDED_NO_ORDER',
  /** A product's live units (counter + held + paid, not written) differ from its MySQL stock. */
  UNITS_MISMATCH = 'UNITS_MISMATCH',
}

export interface Discrepancy {
  kind: DiscrepancyKind;
  paymentId: string | null;
  reservationId: string | null;
  orderId: number | null;
  /** The product, for UNITS_MISMATCH. */
  productId?: number | null;
  detail: string;
}

export interface AuditReport {
  /** Charges, refunds, payment rows and orders looked at. */
  charges: number;
  refunds: number;
  payments: number;
  orders: number;
  /** Products whose live units were compared with MySQL. */
  products: number;
  /**
   * Charges still on their way to an outcome, not counted as discrepancies: a payment PENDING or
   * REFUNDING for less than `stuckSeconds`, or PAID less than `graceSeconds` ago with no order.
   */
  inFlight: number;
  discrepancies: Discrepancy[];
}

export interface AuditOptions {
  /** How long a paid payment may wait for its order before it counts as a discrepancy. */
  graceSeconds?: number;
  /** How long a payment may stay PENDING or REFUNDING before it is stuck (default 900). */
  stuckSeconds?: number;
  /** Only these payments (and their reservations' other charges); all when omitted. */
  paymentIds?: string[];
  /** Rows read per statement (default 1000). */
  pageSize?: number;
}
