import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import type { Viewer } from '../../context';
import { Role } from '../../entities/user.entity';
import { UnauthenticatedError } from '../../errors';
import type { AppPubSub } from '../../clients/pubsub';
import { SESSIONS_REVOKED } from '../../schema/topics';

interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
}

/** Verified tokens remembered at most (the set starts over when full). */
const VERIFIED_TOKENS = 50_000;

/**
 * Short-lived access JWTs (HS256) bound to a session id. A revoked session is written to a
 * Redis deny-list for as long as its access tokens could live, so revocation takes effect at
 * once on every API instance.
 */
export class TokenService {
  // Built once: given a string, jsonwebtoken first tries (and fails) to parse it as a public key
  // on every call, which was the most expensive step of an authenticated request.
  private readonly key: KeyObject;
  /** Tokens verified by this process, by their exact text. */
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly config: Config['auth'],
    private readonly redis: RedisClient,
    /** Where revoked session ids are announced to every websocket server. */
    private readonly pubSub: Pick<AppPubSub, 'publishNow'>,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  signAccess(userId: number, role: Role, sessionId: string): { token: string; expiresAt: Date } {
    const token = jwt.sign({ sid: sessionId, role }, this.key, {
      algorithm: 'HS256',
      subject: String(userId),
      expiresIn: this.config.accessTtlSeconds,
      issuer: 'rocket-mart',
    });
    return { token, expiresAt: new Date(Date.now() + this.config.accessTtlSeconds * 1000) };
  }

  /** The viewer of a bearer token; throws UNAUTHENTICATED if it is invalid, expired or revoked. */
  async verifyAccess(token: string): Promise<Viewer> {
    const claims = this.claimsOf(token);
    if (await this.redis.exists(revokedKey(claims.sid))) {
      throw new UnauthenticatedError('Session has ended');
    }
    return { userId: Number(claims.sub), role: claims.role, sessionId: claims.sid };
  }

  /**
   * The claims of a valid, unexpired token. A token already verified (a member's purchase, then
   * its pay) is looked up by its exact text until it expires instead of being verified again;
   * revocation is still checked on every request.
   */
  private claimsOf(token: string): AccessClaims {
    const known = this.verified.get(token);
    if (known && (known.exp ?? 0) * 1000 > Date.now()) return known;
    if (known) this.verified.delete(token);
    let claims: AccessClaims;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: 'rocket-mart',
      }) as AccessClaims;
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw new UnauthenticatedError(expired ? 'Access token expired' : 'Invalid access token');
    }
    if (!claims.sid || !Object.values(Role).includes(claims.role)) {
      throw new UnauthenticatedError('Invalid access token');
    }
    if (typeof claims.exp === 'number') {
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.clear();
      this.verified.set(token, claims);
    }
    return claims;
  }

  /** Which of these sessions are on the deny-list (one EXISTS each, auto-pipelined). */
  async revokedAmong(sessionIds: string[]): Promise<string[]> {
    const hits = await Promise.all(sessionIds.map((sid) => this.redis.exists(revokedKey(sid))));
    return sessionIds.filter((_, i) => hits[i]);
  }

  async denySessions(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    // Outlives any access token of these sessions by a margin for clock skew.
    const ttl = this.config.accessTtlSeconds + 60;
    // One command per session (auto-pipelined): on a Redis Cluster the keys live in many slots.
    await Promise.all(sessionIds.map((sid) => this.redis.set(revokedKey(sid), '1', 'EX', ttl)));
    // Open websockets of these sessions close on every instance.
    await this.pubSub.publishNow(SESSIONS_REVOKED, sessionIds);
  }
}

const revokedKey = (sessionId: string) => `auth:session:${sessionId}:revoked`;
