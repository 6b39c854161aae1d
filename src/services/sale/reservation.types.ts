export type ReservationState =
  'HELD' | 'PAYING' | 'PAID' | 'EXPIRED' | 'DECLINED' | 'CANCELLED' | 'REFUNDED';
export type ReleaseReason = 'EXPIRED' | 'DECLINED' | 'CANCELLED' | 'REFUNDED';

/**
 * The result of claiming a held reservation for one payment attempt (pay-claim.lua), with the
 * reservation as the claim left it (except when missing).
 */
export type ClaimOutcome =
  | { kind: 'claimed'; leaseUntil: Date; reservation: ReservationView }
  | { kind: 'inProgress'; paymentId: string; leaseUntil: Date; reservation: ReservationView }
  | { kind: 'expired'; reservation: ReservationView }
  | { kind: 'missing' }
  | { kind: 'status'; status: ReservationState; reservation: ReservationView };

export interface ReservationLine {
  productId: number;
  quantity: number;
  unitPrice: number;
}

/** A reservation as the service sees it (read from its Redis record). */
export interface ReservationView {
  id: string;
  userId: number;
  status: ReservationState;
  items: ReservationLine[];
  totalAmount: number;
  holdExpiresAt: Date;
  createdAt: Date;
  paymentId: string | null;
  orderId: number | null;
}

/** What crosses Redis pub/sub when a reservation changes (dates as ISO strings). */
export interface ReservationEventPayload extends Omit<
  ReservationView,
  'holdExpiresAt' | 'createdAt'
> {
  holdExpiresAt: string;
  createdAt: string;
}

export type PurchaseOutcome =
  | { kind: 'reserved'; reservation: ReservationView }
  | { kind: 'soldOut'; productId: number; remaining: number }
  | { kind: 'notStarted' | 'ended'; productId: number; startsAt: Date | null; endsAt: Date | null }
  | { kind: 'limit'; productId: number; left: number }
  | { kind: 'notAdmitted'; productId: number; ticket: number | null; servedThrough: number }
  | { kind: 'admissionExpired'; productId: number; expiredAt: Date }
  | { kind: 'holdsCapped'; openHolds: number; maxOpenHolds: number; nextReleaseAt: Date };

export interface PurchaseRequest {
  items: { productId: number; quantity: number }[];
  idempotencyKey: string;
}

/** One product line of a purchase, after validation. */
export interface PurchaseItem {
  productId: number;
  quantity: number;
}

/** What reserve.lua answered, typed (see its header). */
export type ReserveReply =
  | {
      status: 'OK';
      holdExpiresAt: number;
      totalAmount: number;
      items: ReservationLine[];
      /** Room products this purchase left with no free unit (their rooms turn ALL_IN_CARTS). */
      emptiedRooms: number[];
      createdAt: number;
    }
  | { status: 'DUP'; reservationId: string }
  | { status: 'IDEM_CONFLICT' }
  | { status: 'GONE' | 'NO_META' | 'NO_STOCK' | 'ROOM_MISSING'; productId: number }
  | { status: 'NOT_ADMITTED'; productId: number; ticket: number | null; servedThrough: number }
  | { status: 'ADMISSION_EXPIRED'; productId: number; expiredAt: number }
  | { status: 'NOT_STARTED' | 'ENDED'; productId: number; startsAt: number; endsAt: number }
  | { status: 'LIMIT'; productId: number; left: number }
  | { status: 'SOLD_OUT'; productId: number; remaining: number };

/** A reservation's Redis record: the view plus what only payments read. */
export interface ReservationRecord extends Omit<ReservationView, 'id'> {
  /** When pay.lua marked it paid (Redis time, epoch ms), 0 before. */
  paidAt: number;
  /** The payment attempt holding its claim while PAYING. */
  claim: { paymentId: string; leaseUntil: Date } | null;
}
