import { createHash, createHmac } from 'node:crypto';

/**
 * The verifiable draw of a waiting room's pre-queue (docs/waiting-room.md). Pure functions; the
 * standalone verifier (scripts/verify-draw.mjs) repeats them with nothing from this code base.
 *
 * - Before the pre-queue opens the room publishes `commitOf(productId, seed)`.
 * - At the sale start the entries are frozen; `entriesRootOf(ids)` and their count are published.
 * - Tickets 1..N follow `orderOf(seed, root, ids)`: entries sorted by HMAC-SHA256 under the key
 *   SHA-256(seed | root), so neither the room (committed to the seed before any entry) nor an
 *   entrant (who cannot know the seed) can choose a place.
 * - The seed is revealed once the room closes. Late joiners get N+1… in arrival order, each
 *   chained into `lateHash` (SHA-1 chain, as the join script computes it) so the log cannot be
 *   reordered afterwards.
 */
export const DRAW_SCHEME = 'rocket-mart/draw/v1';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function commitOf(productId: number, seed: string): string {
  return sha256(`${DRAW_SCHEME}|${productId}|${seed}`);
}

export function entriesRootOf(entryIds: string[]): string {
  return sha256([...entryIds].sort().join('\n'));
}

export function orderOf(seed: string, root: string, entryIds: string[]): string[] {
  const key = sha256(`${seed}|${root}`);
  const rank = (id: string) => createHmac('sha256', key).update(id).digest('hex');
  return entryIds
    .map((id) => ({ id, r: rank(id) }))
    .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : a.id < b.id ? -1 : 1))
    .map((e) => e.id);
}

export function lateChainOf(late: string[], firstTicket: number): string {
  let hash = '';
  late.forEach((entryId, i) => {
    hash = createHash('sha1')
      .update(`${hash}|${firstTicket + i}|${entryId}`)
      .digest('hex');
  });
  return hash;
}

/** Whether a published draw is consistent: commitment, root, and the ticket order. */
export function verifyDraw(d: {
  productId: number;
  seed: string;
  seedCommit: string;
  entriesRoot: string;
  order: string[];
  late: string[];
  lateHash: string;
}): boolean {
  return (
    commitOf(d.productId, d.seed) === d.seedCommit &&
    entriesRootOf(d.order) === d.entriesRoot &&
    orderOf(d.seed, d.entriesRoot, d.order).every((id, i) => id === d.order[i]) &&
    lateChainOf(d.late, d.order.length + 1) === d.lateHash
  );
}
