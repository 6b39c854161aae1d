import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import { RateLimitedError } from '../../errors';

const CHALLENGE_TTL_MS = 120_000;
const ALGORITHM = 'SHA-256';

/** An ALTCHA challenge (the format of altcha-lib 1.x and the altcha widget). */
export interface Challenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/** What a proof came to: valid (with what must be marked used), or why not. */
export type ProofCheck =
  | { ok: true; signature: string; ttlMs: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'otherMember' | 'otherProduct' };

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/**
 * Proof of work on joining a room, in ALTCHA's format (altcha-lib 1.x): find `number` ≤ maxnumber
 * with SHA-256(salt + number) = challenge; the challenge is signed with an HMAC. A challenge is
 * bound to one member and one product (its salt carries them, under the signature), expires after
 * two minutes, and its cost doubles every `doubleEvery` members waiting. Minting is rate-limited
 * per member; single use is enforced by room-join.lua.
 *
 * Minting and checking are altcha-lib's `createChallenge` and `verifySolution` done with
 * node:crypto: the library runs each hash and HMAC as an asynchronous WebCrypto job (six per
 * member joined), which cost more API CPU than the rest of the join together (docs/benchmarks.md,
 * "Joins per second"). Browsers solve with altcha-lib's own worker; room-pow.test.ts checks that
 * altcha-lib verifies our challenges and that we verify its own.
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
    const challenge = mintChallenge(this.cfg.hmacKey, maxNumber, {
      m: String(userId),
      p: String(productId),
      expires: String(Math.floor(expiresAt.getTime() / 1000)),
    });
    return { ...challenge, maxNumber, expiresAt };
  }

  /** Checks a solution (base64 JSON payload as ALTCHA emits it) for this member and product. */
  check(payload: string, userId: number, productId: number): ProofCheck {
    return checkProof(payload, this.cfg.hmacKey, userId, productId);
  }
}

/** altcha-lib 1.x `createChallenge`: a random salt carrying `params`, a secret number ≤ max. */
export function mintChallenge(
  hmacKey: string,
  maxNumber: number,
  params: Record<string, string>,
): Challenge {
  // The trailing '&' keeps a solver from splicing parameters onto the salt (as altcha-lib does).
  const salt = `${randomBytes(12).toString('hex')}?${new URLSearchParams(params).toString()}&`;
  const challenge = sha256(salt + randomInt(1, maxNumber + 1));
  const signature = createHmac('sha256', hmacKey).update(challenge).digest('hex');
  return { algorithm: ALGORITHM, challenge, maxnumber: maxNumber, salt, signature };
}

/** A solution checked for `userId` and `productId`: signed by us, solved, unexpired, theirs. */
export function checkProof(
  payload: string,
  hmacKey: string,
  userId: number,
  productId: number,
): ProofCheck {
  const proof = parseProof(payload);
  if (!proof || !verifyProof(proof, hmacKey)) return { ok: false, reason: 'invalid' };
  const params = new URLSearchParams(proof.salt.split('?')[1] ?? '');
  const expires = Number(params.get('expires')) * 1000;
  if (!(expires > Date.now())) return { ok: false, reason: 'expired' };
  if (params.get('m') !== String(userId)) return { ok: false, reason: 'otherMember' };
  if (params.get('p') !== String(productId)) return { ok: false, reason: 'otherProduct' };
  return { ok: true, signature: proof.signature, ttlMs: expires - Date.now() + 1000 };
}

interface Proof {
  algorithm: string;
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

function parseProof(payload: string): Proof | null {
  let p: Partial<Record<keyof Proof, unknown>>;
  try {
    p = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as typeof p;
  } catch {
    return null;
  }
  if (!p || typeof p !== 'object') return null;
  const { algorithm, challenge, number, salt, signature } = p;
  if (algorithm !== ALGORITHM || typeof challenge !== 'string' || typeof salt !== 'string')
    return null;
  if (typeof signature !== 'string' || !Number.isSafeInteger(number) || (number as number) < 0)
    return null;
  return { algorithm, challenge, number: number as number, salt, signature };
}

/** altcha-lib 1.x `verifySolution` (expiry checked by the caller): the number hashes to the
 * challenge and the challenge carries our signature. */
function verifyProof(p: Proof, hmacKey: string): boolean {
  const expected = createHmac('sha256', hmacKey).update(p.challenge).digest();
  const given = Buffer.from(p.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return sha256(p.salt + p.number) === p.challenge;
}
