import { randomFillSync } from 'node:crypto';

/**
 * The Redis key layout of a sale, private to the sale store (sale-store.ts): nothing else builds
 * these names. Every key of one product carries the hash tag `{productId}`, so one script can
 * check and change them atomically, and they stay in one Redis Cluster slot.
 */
function buildSaleKeys(productId: number) {
  const tag = `sale:{${productId}}`;
  return {
    /** Live remaining units. */
    stock: `${tag}:stock`,
    /** Sale window, limit, price and deleted flag, cached from MySQL with a short TTL. */
    meta: `${tag}:meta`,
    /** Grows at every invalidation of `meta`: a load writes only against the version it read. */
    metaVersion: `${tag}:metaver`,
    /** Member id → lifetime units held or bought (for the per-member limit). */
    bought: `${tag}:bought`,
    /** Reservation id → units held (live holds). */
    holdQty: `${tag}:holdqty`,
    /** Reservation id scored by its hold expiry (epoch ms), for the sweeper. */
    holds: `${tag}:holds`,
    /** Reservation id → units paid but not yet written as an order. */
    paidQty: `${tag}:paidqty`,
    /** Stock adjustments (restock, cancel, return) in flight between MySQL and the counter. */
    adjusting: `${tag}:adjusting`,
    /** Grows at each adjustment's begin and end: a forced rebuild checks it before writing. */
    adjustSeq: `${tag}:adjseq`,
    frameLock: `${tag}:frame`,
    /** The last published stockChanged frame (hash: body, frame). */
    frameState: `${tag}:frame:state`,
    /** Version of the last published frame: only grows (never expires, never reset). */
    version: `${tag}:version`,
    /** The waiting room: config, state, served/tail counters, cohorts and the last frame. */
    room: `${tag}:wr`,
    /** Room tickets: member id → ticket (`L<ticket>` once left); `<member>:u` once admission used. */
    roomTickets: `${tag}:wr:tix`,
    /** Room cohorts by the last ticket they admitted (score), member `<cohort>:<servedAtMs>`. */
    roomTicks: `${tag}:wr:ticks`,
    /** Live room cohorts by admission time (score ms), member: cohort id. */
    roomCohorts: `${tag}:wr:tickt`,
    /** Tickets the tick jumps over (members who left), score: ticket. */
    roomSkip: `${tag}:wr:skip`,
    /** Pre-queue entries of the draw: entry id → member id (read once, at the seal). */
    roomPre: `${tag}:wr:pre`,
    /** Entry ids of late joiners in ticket order (N+1…), for the published audit. */
    roomLate: `${tag}:wr:late`,
    /** One tick per room per interval across workers. */
    roomLock: `${tag}:wr:lock`,
    /** A reservation's record (it lives with the product its id starts with). */
    reservation: (reservationId: string) => `${tag}:res:${reservationId}`,
    /** A purchase's idempotency key, in its reservation's slot (reserve.lua checks it). */
    idempotency: (userId: number, key: string) => `${tag}:idem:${userId}:${key}`,
  };
}

export type SaleKeys = ReturnType<typeof buildSaleKeys>;

// Built once per product: a purchase asks for them several times on the hottest path.
const saleKeysCache = new Map<number, SaleKeys>();

export function saleKeys(productId: number): SaleKeys {
  let keys = saleKeysCache.get(productId);
  if (!keys) {
    if (saleKeysCache.size >= 10_000) saleKeysCache.clear();
    keys = buildSaleKeys(productId);
    saleKeysCache.set(productId, keys);
  }
  return keys;
}

/** Products that have had sale metadata cached; the sweeper walks their holds. */
export const SALE_PRODUCTS_KEY = 'sale:products';

/** Products with a waiting room: the room ticker walks them. */
export const SALE_ROOMS_KEY = 'sale:rooms';

/** A member's open holds (reservation id scored by hold end), in the member's slot. */
export const memberHoldsKey = (userId: number) => `holds:{m${userId}}`;

/** A member's purchase counter of the current rate window, in the member's slot. */
export const memberPurchaseRateKey = (userId: number) => `rate:{m${userId}}:purchase`;

/** A member's idempotency key across products (its own hash slot: the member's). */
export const memberIdempotencyKey = (userId: number, key: string) => `idem:{m${userId}}:${key}`;

/** A reservation id: `<productId>.<16 random base64url characters>`. */
export const RESERVATION_ID = /^(\d{1,10})\.([A-Za-z0-9_-]{16})$/;

/** The product whose slot holds a reservation's record: the one its id starts with. */
export const slotProductOf = (reservationId: string) =>
  Number(reservationId.slice(0, reservationId.indexOf('.')));

/** A reservation's Redis record. */
export const reservationKey = (reservationId: string) =>
  saleKeys(slotProductOf(reservationId)).reservation(reservationId);

// Random bytes for reservation ids, drawn from the kernel 4 KiB at a time: one call per
// reservation was a tenth of a purchase's CPU in the profile.
const ENTROPY = Buffer.alloc(4096);
let entropyAt = ENTROPY.length;

/** A new reservation id whose record lives in `productId`'s slot (12 unpredictable bytes). */
export function newReservationId(productId: number): string {
  if (entropyAt + 12 > ENTROPY.length) {
    randomFillSync(ENTROPY);
    entropyAt = 0;
  }
  entropyAt += 12;
  return `${productId}.${ENTROPY.toString('base64url', entropyAt - 12, entropyAt)}`;
}
