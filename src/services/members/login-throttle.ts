import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config';
import type { User } from '../../entities/user.entity';
import { addressBucket } from '../../http/client-address';
import type { RateLimitService } from '../common/rate-limit.service';

/** The delay before an attempt on an account with `failures` recent failures, in ms. */
export function loginDelayMs(
  failures: number,
  limits: Pick<Config['rateLimit'], 'loginPerAccount' | 'loginDelayBaseMs' | 'loginDelayMaxMs'>,
): number {
  const over = failures - limits.loginPerAccount;
  if (over <= 0) return 0;
  return Math.min(limits.loginDelayBaseMs * 2 ** Math.min(over - 1, 30), limits.loginDelayMaxMs);
}

/** One login attempt's buckets: the account's failures anywhere, and this address's on it. */
export interface LoginAttempt {
  account: string;
  pair: string;
}

/**
 * Guessing passwords without locking owners out. A client address that fails on one account
 * RATE_LOGIN_PER_ACCOUNT times is refused on that account (RATE_LIMITED) for the window; the
 * account itself is never refused, but once failures from everywhere pass that figure, each
 * attempt on it waits, doubling per failure up to RATE_LOGIN_DELAY_MAX_MS. A new password (reset
 * or change) starts every pair afresh and forgets the account's failures.
 */
export class LoginThrottle {
  constructor(
    private readonly limits: Config['rateLimit'],
    private readonly rateLimits: RateLimitService,
  ) {}

  /**
   * Counts the attempt against its (account, address) pair and refuses it once the pair is full,
   * then waits out the account's delay. The pair is counted before the password is checked, in
   * one atomic step: parallel guesses from one address cannot all pass a check made before any
   * of them failed. A correct password gives its own attempt back (`succeeded`).
   */
  async before(user: User | null, email: string, ip: string): Promise<LoginAttempt> {
    const account = user ? `user:${user.id}` : `email:${email}`;
    // The pair belongs to the account's current password: a new one starts every pair afresh.
    const epoch = user
      ? createHash('sha256').update(user.passwordHash).digest('hex').slice(0, 12)
      : '-';
    const attempt = { account, pair: `${account}:${epoch}|${addressBucket(ip)}` };
    await this.rateLimits.consume(['login:pair', attempt.pair]);
    const wait = loginDelayMs(await this.rateLimits.count('login:account', account), this.limits);
    if (wait > 0) await sleep(wait);
    return attempt;
  }

  failed(attempt: LoginAttempt): Promise<void> {
    // The pair counted this attempt already (`before`).
    return this.rateLimits.penalise(['login:account', attempt.account]);
  }

  /** A correct password forgives its own address's failures, not other addresses'. */
  succeeded(attempt: LoginAttempt): Promise<void> {
    return this.rateLimits.reset('login:pair', attempt.pair);
  }

  /** The password was reset: the failures counted against the old one no longer matter. */
  passwordChanged(user: User): Promise<void> {
    return this.rateLimits.reset('login:account', `user:${user.id}`);
  }
}
