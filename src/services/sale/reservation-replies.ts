import type {
  PurchaseItem,
  PurchaseOutcome,
  ReservationLine,
  ReservationRecord,
  ReservationState,
  ReserveReply,
} from './reservation.types';

// The reservation scripts' replies and records, read into typed values (see each .lua header).

export function parseReserveReply(reply: (string | number)[], items: PurchaseItem[]): ReserveReply {
  const status = String(reply[0]);
  const productId = items[Number(reply[1]) - 1]?.productId ?? 0;
  switch (status) {
    case 'OK':
      return {
        status,
        holdExpiresAt: Number(reply[2]),
        totalAmount: Number(reply[3]),
        items: parseLines(String(reply[4])),
        emptiedRooms: reply[5] ? String(reply[5]).split(',').map(Number) : [],
        createdAt: Number(reply[6]),
      };
    case 'DUP':
      return { status, reservationId: String(reply[1]) };
    case 'IDEM_CONFLICT':
      return { status };
    case 'GONE':
    case 'NO_META':
    case 'NO_STOCK':
      return { status, productId };
    case 'NOT_STARTED':
    case 'ENDED':
      return { status, productId, startsAt: Number(reply[2]), endsAt: Number(reply[3]) };
    case 'LIMIT':
      return { status, productId, left: Number(reply[2]) };
    case 'SOLD_OUT':
      return { status, productId, remaining: Number(reply[2]) };
    case 'NOT_ADMITTED': {
      const ticket = Number(reply[2]);
      return {
        status,
        productId,
        ticket: ticket < 0 ? null : ticket,
        servedThrough: Number(reply[3]),
      };
    }
    case 'ADMISSION_EXPIRED':
      return { status, productId, expiredAt: Number(reply[2]) };
    case 'ROOM_MISSING':
      return { status, productId };
    default:
      throw new Error(`unexpected reserve reply ${status}`);
  }
}

/** reserve.lua's business refusals: a sale outside its window, a limit, no stock, no admission. */
export type RefusalReply = Extract<
  ReserveReply,
  { status: 'NOT_STARTED' | 'ENDED' | 'LIMIT' | 'SOLD_OUT' | 'NOT_ADMITTED' | 'ADMISSION_EXPIRED' }
>;

/** The typed purchase outcome of one of reserve.lua's refusals. */
export function refusalOutcome(reply: RefusalReply): PurchaseOutcome {
  switch (reply.status) {
    case 'NOT_STARTED':
    case 'ENDED':
      return {
        kind: reply.status === 'NOT_STARTED' ? 'notStarted' : 'ended',
        productId: reply.productId,
        startsAt: reply.startsAt >= 0 ? new Date(reply.startsAt) : null,
        endsAt: reply.endsAt >= 0 ? new Date(reply.endsAt) : null,
      };
    case 'LIMIT':
      return { kind: 'limit', productId: reply.productId, left: reply.left };
    case 'SOLD_OUT':
      return { kind: 'soldOut', productId: reply.productId, remaining: reply.remaining };
    case 'NOT_ADMITTED':
      return {
        kind: 'notAdmitted',
        productId: reply.productId,
        ticket: reply.ticket,
        servedThrough: reply.servedThrough,
      };
    case 'ADMISSION_EXPIRED':
      return {
        kind: 'admissionExpired',
        productId: reply.productId,
        expiredAt: new Date(reply.expiredAt),
      };
  }
}

/** A reservation's record from its fields (HGETALL), or null when there is none. */
export function recordOf(rec: Record<string, string>): ReservationRecord | null {
  if (!rec.user) return null;
  return {
    userId: Number(rec.user),
    status: rec.status as ReservationState,
    items: parseLines(rec.items),
    totalAmount: Number(rec.total),
    holdExpiresAt: new Date(Number(rec.exp)),
    createdAt: new Date(Number(rec.created)),
    paymentId: rec.paymentId ?? null,
    orderId: rec.orderId ? Number(rec.orderId) : null,
    paidAt: Number(rec.paidAt ?? 0),
    claim:
      rec.status === 'PAYING' && rec.claim
        ? { paymentId: rec.claim, leaseUntil: new Date(Number(rec.lease)) }
        : null,
  };
}

function parseLines(encoded: string | undefined): ReservationLine[] {
  if (!encoded) return [];
  return encoded.split(',').map((line) => {
    const [productId, quantity, unitPrice] = line.split(':').map(Number);
    return { productId, quantity, unitPrice };
  });
}
