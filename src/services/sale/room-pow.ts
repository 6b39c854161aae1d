import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import { RateLimitedError } from '../../errors';

const CHALLENGE_TTL_MS = 120_000;

/** An ALTCHA challenge (altcha-lib 1.x). */
interface Challenge {
  algorithm: string;
  challenge: string;
  maxnumber?: number;
  salt: string;
  signature: string;
}

/** The part of altcha-lib used here. Its type entry is ESM-only while this build is CommonJS, so
 * it is loaded through its `require` entry (a CommonJS build) and typed here. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const altcha = require('altcha-lib') as {
  createChallenge(options: {
    hmacKey: string;
    maxNumber: number;
    expires: Date;
    params: Record<string, string>;
  }): Promise<Challenge>;
  verifySolution(payload: string, hmacKey: string, checkExpires?: boolean): Promise<boolean>;
  extractParams(payload: string): Record<string, string>;
};

/** What a proof came to: valid (with what must be marked used), or why not. */
export type ProofCheck =
  | { ok: true; signature: string; ttlMs: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'otherMember' | 'otherProduct' };

/**
 * Proof of work on joining a room, with ALTCHA (altcha-lib 1.x: SHA-256 puzzles signed with an
 * HMAC). A challenge is bound to one member and one product (its salt carries them, under the
 * signature), expires after two minutes, and its cost doubles every `doubleEvery` members waiting.
 * Minting is rate-limited per member; single use is enforced by room-join.lua.
 */
export class RoomPow {
  private readonly minting: RateLimiterRedis;

  constructor(
    redis: RedisClient,
    private readonly cfg: Config['room']['pow'],
  ) {
    this.minting = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'rl:room-challenge',
      points: cfg.challengesPerMinute,
      duration: 60,
    });
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  /** The ALTCHA max number for a queue of `queueLength` members. */
  costFor(queueLength: number): number {
    const cost = this.cfg.baseCost * 2 ** (queueLength / this.cfg.doubleEvery);
    return Math.min(this.cfg.maxCost, Math.round(cost));
  }

  /** A new challenge for the member (RATE_LIMITED past the minting limit). */
  async mint(userId: number, productId: number, queueLength: number) {
    try {
      await this.minting.consume(String(userId));
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new RateLimitedError(err.msBeforeNext);
      throw err;
    }
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    const maxNumber = this.costFor(queueLength);
    const challenge: Challenge = await altcha.createChallenge({
      hmacKey: this.cfg.hmacKey,
      maxNumber,
      expires: expiresAt,
      params: { m: String(userId), p: String(productId) },
    });
    return { ...challenge, maxNumber, expiresAt };
  }

  /** Checks a solution (base64 JSON payload as ALTCHA emits it) for this member and product. */
  async check(payload: string, userId: number, productId: number): Promise<ProofCheck> {
    let parsed: { signature?: unknown; salt?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as typeof parsed;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof parsed.signature !== 'string' || typeof parsed.salt !== 'string')
      return { ok: false, reason: 'invalid' };
    if (!(await altcha.verifySolution(payload, this.cfg.hmacKey, false)))
      return { ok: false, reason: 'invalid' };
    const params = altcha.extractParams(payload);
    const expires = Number(params.expires) * 1000;
    if (!(expires > Date.now())) return { ok: false, reason: 'expired' };
    if (params.m !== String(userId)) return { ok: false, reason: 'otherMember' };
    if (params.p !== String(productId)) return { ok: false, reason: 'otherProduct' };
    return { ok: true, signature: parsed.signature, ttlMs: expires - Date.now() + 1000 };
  }
}
