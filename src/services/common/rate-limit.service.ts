import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import { RateLimitedError } from '../../errors';

export type RateBucket =
  'login:account' | 'login:ip' | 'signup:ip' | 'mail:account' | 'mail:ip' | 'reset:ip' | 'token:ip';

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
      'login:account': make('login-account', limits.loginPerAccount, limits.loginWindowSeconds),
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
    const results = await Promise.allSettled(hits.map(([b, key]) => this.limiters[b].consume(key)));
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

  /** Forgets a bucket's count, e.g. an account's failed logins after a successful one. */
  async reset(bucket: RateBucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(key);
  }
}
