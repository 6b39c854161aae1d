import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import { RateLimitedError } from '../../errors';
import { addressBucket } from '../../http/client-address';

export type RateBucket =
  | 'login:account'
  | 'login:pair'
  | 'login:ip'
  | 'signup:ip'
  | 'mail:account'
  | 'mail:ip'
  | 'reset:ip'
  | 'token:ip';

/** Buckets keyed by a client address (or ending in one): an IPv6 client counts by its /64. */
const PER_ADDRESS = new Set<RateBucket>([
  'login:ip',
  'signup:ip',
  'mail:ip',
  'reset:ip',
  'token:ip',
]);

/**
 * Fixed-window counters in Redis (rate-limiter-flexible), shared by every API instance.
 * `consume` throws RateLimitedError (RATE_LIMITED, with retryAfterSeconds) once a bucket is full.
 */
export class RateLimitService {
  private readonly limiters: Record<RateBucket, RateLimiterRedis>;

  constructor(redis: RedisClient, limits: Config['rateLimit']) {
    const make = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${name}`, points, duration });
    this.limiters = {
      // A count of an account's failed logins from anywhere: it slows attempts, never refuses.
      'login:account': make('login-account', Number.MAX_SAFE_INTEGER, limits.loginWindowSeconds),
      // Failed logins on one account from one client address: this pair is what locks.
      'login:pair': make('login-pair', limits.loginPerAccount, limits.loginWindowSeconds),
      'login:ip': make('login-ip', limits.loginPerIp, limits.loginWindowSeconds),
      'signup:ip': make('signup-ip', limits.signupPerIp, limits.signupWindowSeconds),
      'mail:account': make('mail-account', limits.mailPerAccount, limits.mailWindowSeconds),
      'mail:ip': make('mail-ip', limits.mailPerIp, limits.mailWindowSeconds),
      'reset:ip': make('reset-ip', limits.resetPerIp, limits.resetWindowSeconds),
      'token:ip': make('token-ip', limits.tokenPerIp, limits.tokenWindowSeconds),
    };
  }

  /** Counts one attempt against every given bucket; throws if any is over its limit. */
  async consume(...hits: [RateBucket, string][]): Promise<void> {
    const results = await Promise.allSettled(
      hits.map(([b, key]) => this.limiters[b].consume(this.key(b, key))),
    );
    let waitMs = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      if (r.reason instanceof RateLimiterRes) waitMs = Math.max(waitMs, r.reason.msBeforeNext);
      else throw r.reason;
    }
    if (waitMs > 0) throw new RateLimitedError(waitMs);
  }

  /** Like `consume`, but answers false instead of throwing when a bucket is full. */
  async tryConsume(...hits: [RateBucket, string][]): Promise<boolean> {
    try {
      await this.consume(...hits);
      return true;
    } catch (err) {
      if (err instanceof RateLimitedError) return false;
      throw err;
    }
  }

  /** How many attempts the bucket holds now. */
  async count(bucket: RateBucket, key: string): Promise<number> {
    return (await this.limiters[bucket].get(this.key(bucket, key)))?.consumedPoints ?? 0;
  }

  /** Counts a failure against every given bucket, never throwing for a full one. */
  async penalise(...hits: [RateBucket, string][]): Promise<void> {
    await Promise.all(hits.map(([b, key]) => this.limiters[b].penalty(this.key(b, key), 1)));
  }

  /** Forgets a bucket's count, e.g. an account's failed logins after a successful one. */
  async reset(bucket: RateBucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(this.key(bucket, key));
  }

  private key(bucket: RateBucket, key: string): string {
    return PER_ADDRESS.has(bucket) ? addressBucket(key) : key;
  }
}
