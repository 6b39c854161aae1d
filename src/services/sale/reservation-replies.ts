import type {
  PurchaseItem,
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
