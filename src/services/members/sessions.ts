import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { RefreshToken, Session } from '../../entities/session.entity';
import type { User } from '../../entities/user.entity';
import { hashToken, newToken } from './secrets';
import type { TokenService } from './token.service';

export interface AuthTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: User;
}

/** Login sessions: opened with a refresh token, revoked one by one or all of a member's at once. */
export class Sessions {
  constructor(
    private readonly auth: Config['auth'],
    private readonly tokens: TokenService,
  ) {}

  async open(em: EntityManager, user: User): Promise<AuthTokens> {
    const expiresAt = new Date(Date.now() + this.auth.refreshTtlDays * 86_400_000);
    const session = em.create(Session, { id: randomUUID(), user, expiresAt });
    const refreshToken = newToken();
    em.create(RefreshToken, { session, tokenHash: hashToken(refreshToken) });
    await em.flush();
    return this.tokensFor(user, session, refreshToken);
  }

  tokensFor(user: User, session: Session, refreshToken: string): AuthTokens {
    const access = this.tokens.signAccess(user.id, user.role, session.id);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: session.expiresAt,
      user,
    };
  }

  async revoke(em: EntityManager, ids: string[], reason: string): Promise<void> {
    if (ids.length === 0) return;
    await em.nativeUpdate(
      Session,
      { id: { $in: ids }, revokedAt: null },
      { revokedAt: new Date(), revokeReason: reason },
    );
    await this.tokens.denySessions(ids);
  }

  async revokeAll(
    em: EntityManager,
    userId: number,
    reason: string,
    keepSessionId?: string,
  ): Promise<number> {
    const live = await em.find(
      Session,
      { user: userId, revokedAt: null, ...(keepSessionId ? { id: { $ne: keepSessionId } } : {}) },
      { fields: ['id'] },
    );
    await this.revoke(
      em,
      live.map((s) => s.id),
      reason,
    );
    return live.length;
  }
}
