import { pubSubChannel, publishCommand } from '../../clients/pubsub';
import type { AppRedis } from '../../clients/redis';
import { TOPICS } from '../../schema/topics';
import { SALE_ROOMS_KEY, saleKeys } from './sale-keys';
import type { JoinReply, RoomConfig, RoomFrame, TickReply } from './room.types';

/**
 * The waiting-room part of the sale store (reached as `SaleStore.rooms`): every room key
 * (sale-keys.ts, all in the product's slot) and the room scripts (room-tick, room-join,
 * room-leave). Admission itself is checked by reserve.lua (reservation-store.ts).
 */
export class RoomStore {
  constructor(
    private readonly redis: AppRedis,
    private readonly keyPrefix: string,
  ) {}

  /** Writes a room's config into its hash (counters are kept) and lists it for the ticker. */
  async configure(productId: number, cfg: RoomConfig): Promise<void> {
    const k = saleKeys(productId);
    const ms = (d: Date | null) => (d ? d.getTime() : '');
    await this.redis.hset(k.room, {
      mode: cfg.mode,
      opensAt: ms(cfg.preQueueOpensAt),
      startsAt: ms(cfg.startsAt),
      endsAt: ms(cfg.endsAt),
      admMs: cfg.admissionSeconds * 1000,
      graceMs: Math.min(cfg.graceSeconds, cfg.admissionSeconds) * 1000,
      holdMs: cfg.holdSeconds * 1000,
      maxPerTick: cfg.maxAdmitPerTick,
      payRate: cfg.payRate,
      fMax: cfg.fMax,
      pausedReason: cfg.pausedReason ?? '',
      limit: cfg.purchaseLimit,
      seedCommit: cfg.seedCommit,
    });
    // A new room starts at ticket 0; a reconfigured one keeps its line.
    await this.redis.hsetnx(k.room, 'served', 0);
    await this.redis.hsetnx(k.room, 'tail', 0);
    await this.redis.sadd(SALE_ROOMS_KEY, productId);
  }

  /** Whether the room's Redis state exists. */
  async exists(productId: number): Promise<boolean> {
    return (await this.redis.exists(saleKeys(productId).room)) === 1;
  }

  /** Drops a room (the product sells without one from now on). */
  async remove(productId: number): Promise<void> {
    const k = saleKeys(productId);
    await this.redis.del(
      k.room,
      k.roomTickets,
      k.roomTicks,
      k.roomCohorts,
      k.roomSkip,
      k.roomPre,
      k.roomLate,
    );
    await this.redis.srem(SALE_ROOMS_KEY, productId);
  }

  /** Products with a room (the ticker walks them). */
  async roomProducts(): Promise<number[]> {
    return (await this.redis.smembers(SALE_ROOMS_KEY)).map(Number);
  }

  /** Sets (reason) or clears ('') the operator's pause. */
  async setPaused(productId: number, reason: string): Promise<void> {
    await this.redis.hset(saleKeys(productId).room, 'pausedReason', reason);
  }

  /** room-tick.lua in one of its modes (see its header). */
  async tick(
    productId: number,
    mode: 'tick' | 'touch' | 'snapshot',
    tickMs: number,
  ): Promise<TickReply> {
    const k = saleKeys(productId);
    const reply = await this.redis.roomTick(
      ...[k.room, k.stock, k.holdQty, k.holds, k.roomTicks, k.roomCohorts, k.roomSkip, k.roomLock],
      mode,
      tickMs,
      pubSubChannel(this.keyPrefix, TOPICS.WAITING_ROOM, productId),
      publishCommand(this.redis),
      productId,
    );
    const status = String(reply[0]);
    if (status === 'FRAME')
      return {
        status,
        frame: JSON.parse(String(reply[1])) as RoomFrame,
        admitted: Number(reply[2]),
        lapsed: Number(reply[3] ?? 0),
      };
    if (status === 'SAME')
      return {
        status,
        state: String(reply[1]),
        admitted: Number(reply[2]),
        lapsed: Number(reply[3] ?? 0),
      };
    return { status: status as 'LOCKED' | 'MISSING' | 'NO_STOCK' };
  }

  /**
   * room-join.lua. `proof`: 'need' (required, none given), 'skip' (not required), or the verified
   * proof's signature and how long it must stay marked as used.
   */
  async join(
    productId: number,
    userId: number,
    proof: 'need' | 'skip' | { signature: string; ttlMs: number },
    entryId: string,
  ): Promise<JoinReply> {
    const k = saleKeys(productId);
    const used = typeof proof === 'string' ? k.room : `${k.room}:pow:${proof.signature}`;
    const reply = await this.redis.roomJoin(
      ...[k.room, k.roomTickets, k.stock, k.holdQty, used, k.roomPre, k.roomLate],
      userId,
      typeof proof === 'string' ? proof : Math.max(1, proof.ttlMs),
      entryId,
    );
    const status = String(reply[0]);
    switch (status) {
      case 'EXISTS':
      case 'TICKET':
        return { status, ticket: Number(reply[1]), servedThrough: Number(reply[2]) };
      case 'CLOSED':
        return { status, reason: String(reply[1]) };
      case 'ENTERED':
        return {
          status,
          entryId: String(reply[1]),
          entrants: Number(reply[2]),
          seedCommit: reply[3] ? String(reply[3]) : null,
        };
      case 'NEED_PROOF':
        return { status, queueLength: Number(reply[1]) };
      default:
        return { status: status as 'REPLAY' | 'NO_ROOM' | 'NO_STOCK' };
    }
  }

  /** The frozen pre-queue: entry id → member id. */
  async preEntries(productId: number): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(saleKeys(productId).roomPre);
    return new Map(Object.entries(all).map(([entry, member]) => [entry, Number(member)]));
  }

  /**
   * Writes the draw's tickets (member → ticket) and marks the room sealed (admission starts).
   * Idempotent: the order is deterministic, so a worker that dies mid-seal is simply repeated.
   */
  async seal(productId: number, tickets: [number, number][], entriesRoot: string): Promise<void> {
    const k = saleKeys(productId);
    for (let i = 0; i < tickets.length; i += 1000) {
      const chunk = tickets.slice(i, i + 1000).flatMap(([member, t]) => [String(member), t]);
      await this.redis.hset(k.roomTickets, ...chunk);
    }
    await this.redis.hset(k.room, 'sealed', 1, 'entriesRoot', entriesRoot);
  }

  /** Late joiners' entry ids in ticket order (N+1…) and the chain hash over them. */
  async lateLog(productId: number): Promise<{ late: string[]; lateHash: string }> {
    const k = saleKeys(productId);
    const [late, lateHash] = await Promise.all([
      this.redis.lrange(k.roomLate, 0, -1),
      this.redis.hget(k.room, 'lateHash'),
    ]);
    return { late, lateHash: lateHash ?? '' };
  }

  /** A member's receipt: the entry id given at the join. */
  entryOf(productId: number, userId: number): Promise<string | null> {
    return this.redis.hget(saleKeys(productId).roomTickets, `${userId}:e`);
  }

  /** room-leave.lua: the ticket given up, 0 when the member held none. */
  async leave(productId: number, userId: number): Promise<number> {
    const k = saleKeys(productId);
    return Number(await this.redis.roomLeave(k.room, k.roomTickets, k.roomSkip, userId));
  }

  /**
   * A member's ticket (null: none, or left) with the room's servedThrough and, once served, when
   * the member's admission window ends (epoch ms) and whether it was used.
   */
  async ticketOf(productId: number, userId: number) {
    const k = saleKeys(productId);
    const [[held, used], [served, admMs]] = await Promise.all([
      this.redis.hmget(k.roomTickets, String(userId), `${userId}:u`),
      this.redis.hmget(k.room, 'served', 'admMs'),
    ]);
    const ticket = held !== null && /^\d+$/.test(held) ? Number(held) : null;
    const servedThrough = Number(served ?? 0);
    let admissionEndsAt: number | null = null;
    if (ticket !== null && ticket <= servedThrough) {
      const [cohort] = await this.redis.zrangebyscore(k.roomTicks, ticket, '+inf', 'LIMIT', 0, 1);
      if (cohort) admissionEndsAt = Number(cohort.split(':')[1]) + Number(admMs ?? 0);
    }
    return { ticket, servedThrough, admissionEndsAt, used: used === '1' };
  }

  /** Counts for the operator: tickets given out, and members who left before their turn. */
  async counts(productId: number): Promise<{ entries: number; left: number }> {
    const k = saleKeys(productId);
    const [left, tail] = await Promise.all([
      this.redis.zcard(k.roomSkip),
      this.redis.hget(k.room, 'tail'),
    ]);
    return { entries: Number(tail ?? 0), left };
  }
}
