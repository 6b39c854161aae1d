import type { AppRedis } from '../../clients/redis';
import { memberHoldsKey, memberIdempotencyKey, memberPurchaseRateKey } from './sale-keys';

/**
 * What the sale store keeps in a member's own slot (`{m<id>}`), apart from the products': the
 * idempotency keys of their purchases, their purchase rate and their open holds
 * (member-gate.lua). `ReservationStore` extends it.
 */
export class MemberSlotStore {
  constructor(protected readonly redis: AppRedis) {}

  /**
   * Binds a member's idempotency key to a purchase's input across products (SET NX GET): the
   * input it was bound to before, or null when this call bound it.
   */
  bindIdempotencyKey(
    userId: number,
    key: string,
    fingerprint: string,
    ttlMs: number,
  ): Promise<string | null> {
    return this.redis.set(memberIdempotencyKey(userId, key), fingerprint, 'PX', ttlMs, 'NX', 'GET');
  }

  /** Keeps a bound idempotency key for `ttlMs` from now (an accepted reservation's). */
  async keepIdempotencyKey(userId: number, key: string, ttlMs: number): Promise<void> {
    await this.redis.pexpire(memberIdempotencyKey(userId, key), ttlMs);
  }

  /** member-gate.lua 'check': the purchase rate limit and the open-holds cap of a member. */
  async gate(
    userId: number,
    cap: number,
    rate: { points: number; windowMs: number },
  ): Promise<
    | { status: 'OK' }
    | { status: 'RATE'; retryMs: number }
    | { status: 'HOLDS'; open: number; earliestEnd: number }
  > {
    const reply = await this.redis.memberGate(
      memberHoldsKey(userId),
      memberPurchaseRateKey(userId),
      'check',
      '',
      0,
      cap,
      rate.points,
      rate.windowMs,
    );
    if (reply[0] === 'RATE') return { status: 'RATE', retryMs: Number(reply[1]) };
    if (reply[0] === 'HOLDS')
      return { status: 'HOLDS', open: Number(reply[1]), earliestEnd: Number(reply[2]) };
    return { status: 'OK' };
  }

  /** member-gate.lua 'add': an accepted reservation counts as an open hold until `holdEnd`. */
  async addMemberHold(userId: number, id: string, holdEnd: number): Promise<void> {
    await this.redis.memberGate(
      memberHoldsKey(userId),
      memberPurchaseRateKey(userId),
      'add',
      id,
      holdEnd,
      0,
      0,
      0,
    );
  }

  /** The reservation no longer counts as one of the member's open holds (paid, released, refused). */
  async forgetMemberHold(userId: number, id: string): Promise<void> {
    await this.redis.zrem(memberHoldsKey(userId), id);
  }
}
