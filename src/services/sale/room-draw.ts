import type { WaitingRoom } from '../../entities/waiting-room.entity';
import { DRAW_SCHEME, entriesRootOf, orderOf } from './fair-order';
import type { RoomState } from './room.types';
import type { SaleStore } from './sale-store';

/** States after which the seed is revealed. */
const CLOSED: RoomState[] = ['SOLD_OUT', 'ENDED'];

/**
 * The draw of a room's pre-queue (fair-order.ts): sealing the frozen entries into tickets 1..N,
 * and the public audit from which anyone can recompute the order (scripts/verify-draw.mjs).
 */
export class RoomDraw {
  constructor(private readonly store: SaleStore) {}

  /** Orders the frozen entries by the committed seed and writes their tickets. */
  async seal(productId: number, seed: string): Promise<{ root: string; count: number }> {
    const entries = await this.store.rooms.preEntries(productId);
    const ids = [...entries.keys()];
    const root = entriesRootOf(ids);
    const order = orderOf(seed, root, ids);
    await this.store.rooms.seal(
      productId,
      order.map((id, i) => [entries.get(id)!, i + 1]),
      root,
    );
    return { root, count: ids.length };
  }

  /**
   * The public audit: the commitment always; root and count once sealed; the seed, the entries
   * in ticket order and the late log once the room has closed (the order is not published before:
   * entries are receipts, not names).
   */
  async audit(room: WaitingRoom, state: RoomState) {
    const revealed = CLOSED.includes(state) && room.entriesRoot != null;
    let order: string[] | null = null;
    let late: string[] | null = null;
    let lateHash: string | null = null;
    if (revealed) {
      const entries = await this.store.rooms.preEntries(room.productId);
      order = orderOf(room.seed, room.entriesRoot!, [...entries.keys()]);
      ({ late, lateHash } = await this.store.rooms.lateLog(room.productId));
    }
    return {
      productId: room.productId,
      scheme: DRAW_SCHEME,
      seedCommit: room.seedCommit,
      entriesRoot: room.entriesRoot ?? null,
      entries: room.entriesCount ?? null,
      seed: revealed ? room.seed : null,
      order,
      late,
      lateHash,
    };
  }
}
