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
   * member-gate.lua 'check': the purchase rate limit and the open-holds cap of a member; past
   * both, binds the purchase's idempotency key to its input across products (SET NX GET) for
   * `keyTtlMs`. OK carries the input the key was bound to before, or null when this call bound it.
   */
  async gate(
    userId: number,
    cap: number,
    rate: { points: number; windowMs: number },
    key: { key: string; fingerprint: string; ttlMs: number },
  ): Promise<
    | { status: 'OK'; boundTo: string | null }
    | { status: 'RATE'; retryMs: number }
    | { status: 'HOLDS'; open: number; earliestEnd: number }
  > {
    const reply = await this.redis.memberGate(
      memberHoldsKey(userId),
      memberPurchaseRateKey(userId),
      memberIdempotencyKey(userId, key.key),
      'check',
      '',
      0,
      cap,
      rate.points,
      rate.windowMs,
      key.fingerprint,
      key.ttlMs,
    );
    if (reply[0] === 'RATE') return { status: 'RATE', retryMs: Number(reply[1]) };
    if (reply[0] === 'HOLDS')
      return { status: 'HOLDS', open: Number(reply[1]), earliestEnd: Number(reply[2]) };
    return { status: 'OK', boundTo: reply[1] ? String(reply[1]) : null };
  }

  /**
   * member-gate.lua 'add': an accepted reservation counts as an open hold until `holdEnd`, and
   * its idempotency key's record is kept for `keyTtlMs` from now.
   */
  async addMemberHold(
    userId: number,
    id: string,
    holdEnd: number,
    key: string,
    keyTtlMs: number,
  ): Promise<void> {
    await this.redis.memberGate(
      memberHoldsKey(userId),
      memberPurchaseRateKey(userId),
      memberIdempotencyKey(userId, key),
      'add',
      id,
      holdEnd,
      0,
      0,
      0,
      '',
      keyTtlMs,
    );
  }

  /** The reservation no longer counts as one of the member's open holds (paid, released, refused). */
  async forgetMemberHold(userId: number, id: string): Promise<void> {
    await this.redis.zrem(memberHoldsKey(userId), id);
  }
}
