import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';
import { isEmail } from 'class-validator';
import type { Config } from '../../config';
import type { RequestContext, Viewer } from '../../context';
import { EmailTokenPurpose } from '../../entities/email-token.entity';
import { RefreshToken, Session } from '../../entities/session.entity';
import { User } from '../../entities/user.entity';
import {
  BadUserInputError,
  EmailNotVerifiedError,
  NotFoundError,
  UnauthenticatedError,
} from '../../errors';
import type { Logger } from '../../logger';
import type { MailService } from '../mail/mail.service';
import type { PasswordHasher } from './password-hasher';
import type { RateLimitService } from '../common/rate-limit.service';
import { EmailTokens } from './email-tokens';
import { hashToken, newToken } from './secrets';
import { Sessions, type AuthTokens } from './sessions';
import type { TokenService } from './token.service';
import { LoginThrottle } from './login-throttle';
import {
  alreadyVerifiedMail,
  noAccountMail,
  resetMail,
  signUpTakenMail,
  verificationMail,
  type AccountMail,
} from './account-mails';

export type { AuthTokens } from './sessions';

/**
 * Unicode NFKC, trimmed and lower-cased, so one address has one spelling; throws BAD_USER_INPUT
 * (field `email`) when it is not an address. Stored this way in a byte-compared column, different
 * addresses (`jöhn@` and `john@`) never match each other.
 */
export function normaliseEmail(raw: string): string {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  if (!isEmail(email)) throw new BadUserInputError('Not a valid email address', 'email');
  return email;
}

/** Per-account rate-limit key: the account when there is one, else the normalised address. */
const accountKey = (user: User | null, email: string) =>
  user ? `user:${user.id}` : `email:${email}`;

const INVALID_CREDENTIALS = 'Invalid email or password';

/**
 * Sign-up, email verification, login, refresh-token rotation, logout and password changes.
 * Failures are thrown AppErrors: UNAUTHENTICATED, EMAIL_NOT_VERIFIED, CONFLICT, BAD_USER_INPUT
 * and RATE_LIMITED.
 */
export class AuthService {
  constructor(
    private readonly config: Pick<Config, 'auth' | 'rateLimit'>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly mail: MailService,
    private readonly rateLimits: RateLimitService,
    private readonly logger: Logger,
  ) {
    this.emailTokens = new EmailTokens(mail);
    this.sessions = new Sessions(config.auth, tokens);
    this.throttle = new LoginThrottle(config.rateLimit, rateLimits);
  }

  private readonly emailTokens: EmailTokens;
  private readonly sessions: Sessions;
  private readonly throttle: LoginThrottle;

  /**
   * Creates an unverified account and mails a verification link. For an address that already
   * has an account it answers the same and mails its owner instead, so it cannot tell which
   * addresses have accounts.
   */
  async signUp(
    ctx: RequestContext,
    input: { email: string; password: string; name: string },
  ): Promise<void> {
    const email = normaliseEmail(input.email);
    await this.rateLimits.consume(['signup:ip', ctx.ip]);
    // Hashed either way, so both answers take as long.
    const passwordHash = await this.hasher.hash(input.password);
    const existing = await ctx.em.findOne(User, { email });
    if (existing) return this.tellOwner(ctx, existing);
    try {
      await ctx.em.transactional(async (em) => {
        const user = em.create(User, { email, passwordHash, name: input.name.trim() });
        this.issueVerification(em, user);
        await em.flush();
      });
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      // Another sign-up for the address won the race.
      const winner = await ctx.em.fork().findOne(User, { email });
      if (winner) await this.tellOwner(ctx, winner);
    }
  }

  /** Mails an account's owner that someone signed up with their address (mail limit applies). */
  private async tellOwner(ctx: RequestContext, user: User): Promise<void> {
    // Over the limit, the mail is dropped rather than refused: a refusal would tell the caller.
    if (!(await this.rateLimits.tryConsume(['mail:account', accountKey(user, user.email)]))) return;
    await ctx.em.transactional(async (em) => {
      this.send(em, user.email, signUpTakenMail(user.name, this.mail.url('/')), this.verifyTtlMs);
    });
  }

  async verifyEmail(ctx: RequestContext, token: string): Promise<User> {
    await this.rateLimits.consume(['token:ip', ctx.ip]);
    return ctx.em.transactional(async (em) => {
      const row = await this.emailTokens.claim(em, token, EmailTokenPurpose.VERIFY_EMAIL);
      const user = row.user;
      user.emailVerifiedAt ??= new Date();
      await em.flush();
      return user;
    });
  }

  /**
   * Always succeeds, so it cannot tell which addresses have accounts: every address gets the
   * same work (expire older links, queue one mail), and a mail saying what applies to it.
   */
  async resendVerificationEmail(ctx: RequestContext, rawEmail: string): Promise<void> {
    const email = normaliseEmail(rawEmail);
    const found = await ctx.em.findOne(User, { email });
    await this.rateLimits.consume(['mail:account', accountKey(found, email)], ['mail:ip', ctx.ip]);
    await ctx.em.transactional(async (em) => {
      const user = found && em.merge(found);
      await this.emailTokens.expire(em, user, EmailTokenPurpose.VERIFY_EMAIL);
      if (!user) this.send(em, email, noAccountMail(this.mail.url('/shop')), this.verifyTtlMs);
      else if (user.emailVerifiedAt) {
        this.send(em, email, alreadyVerifiedMail(user.name, this.mail.url('/')), this.verifyTtlMs);
      } else this.issueVerification(em, user);
    });
  }

  async login(
    ctx: RequestContext,
    input: { email: string; password: string },
  ): Promise<AuthTokens> {
    const email = normaliseEmail(input.email);
    await this.rateLimits.consume(['login:ip', ctx.ip]);
    const user = await ctx.em.findOne(User, { email });
    const attempt = await this.throttle.before(user, email, ctx.ip);
    const ok = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !ok) {
      await this.throttle.failed(attempt);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    await this.throttle.succeeded(attempt);
    if (!user.emailVerifiedAt) throw new EmailNotVerifiedError();
    return ctx.em.transactional((em) => this.sessions.open(em, em.merge(user)));
  }

  /** Rotates a refresh token. Presenting a token that was already rotated revokes its session. */
  async refresh(ctx: RequestContext, rawToken: string): Promise<AuthTokens> {
    const em = ctx.em;
    const row = await em.findOne(
      RefreshToken,
      { tokenHash: hashToken(rawToken) },
      { populate: ['session', 'session.user'] },
    );
    const session = row?.session;
    if (!row || !session || session.revokedAt || session.expiresAt <= new Date()) {
      throw new UnauthenticatedError('Invalid refresh token');
    }
    // Only one caller can mark a token used; any later presentation of it is a replay.
    const claimed = await em.nativeUpdate(
      RefreshToken,
      { id: row.id, usedAt: null },
      { usedAt: new Date() },
    );
    if (claimed === 0) {
      await this.sessions.revoke(em, [session.id], 'REFRESH_REUSE');
      this.logger.warn(
        { sessionId: session.id, userId: session.user.id },
        'refresh token reuse: session revoked',
      );
      throw new UnauthenticatedError(
        'Refresh token was already used; the session has been revoked',
      );
    }
    return em.transactional(async (tx) => {
      const refreshToken = newToken();
      tx.create(RefreshToken, {
        session: tx.getReference(Session, session.id),
        tokenHash: hashToken(refreshToken),
      });
      await tx.flush();
      return this.sessions.tokensFor(session.user, session, refreshToken);
    });
  }

  async logout(ctx: RequestContext, viewer: Viewer): Promise<void> {
    await this.sessions.revoke(ctx.em, [viewer.sessionId], 'LOGOUT');
  }

  async logoutAll(ctx: RequestContext, viewer: Viewer): Promise<number> {
    return this.sessions.revokeAll(ctx.em, viewer.userId, 'LOGOUT_ALL');
  }

  /** Checks the current password; ends every other session of the member. */
  async changePassword(
    ctx: RequestContext,
    viewer: Viewer,
    input: { currentPassword: string; newPassword: string },
  ): Promise<User> {
    const user = await ctx.em.findOne(User, viewer.userId);
    if (!user) throw new NotFoundError('User', viewer.userId);
    const attempt = await this.throttle.before(user, user.email, ctx.ip);
    if (!(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      await this.throttle.failed(attempt);
      throw new BadUserInputError('Current password is wrong', 'currentPassword');
    }
    user.passwordHash = await this.hasher.hash(input.newPassword);
    await ctx.em.flush();
    await this.throttle.passwordChanged(user);
    await this.sessions.revokeAll(ctx.em, user.id, 'PASSWORD_CHANGED', viewer.sessionId);
    return user;
  }

  /** Always succeeds and does the same work for every address (see resendVerificationEmail). */
  async requestPasswordReset(ctx: RequestContext, rawEmail: string): Promise<void> {
    const email = normaliseEmail(rawEmail);
    const found = await ctx.em.findOne(User, { email });
    await this.rateLimits.consume(['reset:ip', ctx.ip], ['mail:account', accountKey(found, email)]);
    const minutes = this.config.auth.resetTokenTtlMinutes;
    await ctx.em.transactional(async (em) => {
      const user = found && em.merge(found);
      await this.emailTokens.expire(em, user, EmailTokenPurpose.RESET_PASSWORD);
      if (!user) {
        this.send(em, email, noAccountMail(this.mail.url('/shop')), minutes * 60_000);
        return;
      }
      const { link } = this.emailTokens.issue(
        em,
        user,
        EmailTokenPurpose.RESET_PASSWORD,
        minutes * 60_000,
        '/reset-password',
      );
      this.send(em, user.email, resetMail(user.name, link, minutes), minutes * 60_000);
    });
  }

  /** Sets a new password from a mailed token and ends every session of the member. */
  async resetPassword(
    ctx: RequestContext,
    input: { token: string; newPassword: string },
  ): Promise<User> {
    await this.rateLimits.consume(['token:ip', ctx.ip]);
    // The token is checked before the costly hash; it is claimed (once) only afterwards.
    await this.emailTokens.live(ctx.em, input.token, EmailTokenPurpose.RESET_PASSWORD);
    const passwordHash = await this.hasher.hash(input.newPassword);
    const user = await ctx.em.transactional(async (em) => {
      const row = await this.emailTokens.claim(em, input.token, EmailTokenPurpose.RESET_PASSWORD);
      row.user.passwordHash = passwordHash;
      // The mailbox owner proved control of the address.
      row.user.emailVerifiedAt ??= new Date();
      await em.flush();
      return row.user;
    });
    await this.sessions.revokeAll(ctx.em, user.id, 'PASSWORD_RESET');
    await this.throttle.passwordChanged(user);
    return user;
  }

  private get verifyTtlMs(): number {
    return this.config.auth.verifyTokenTtlHours * 3_600_000;
  }

  private issueVerification(em: EntityManager, user: User): void {
    const { link } = this.emailTokens.issue(
      em,
      user,
      EmailTokenPurpose.VERIFY_EMAIL,
      this.verifyTtlMs,
      '/verify-email',
    );
    const mail = verificationMail(user.name, link, this.config.auth.verifyTokenTtlHours);
    this.send(em, user.email, mail, this.verifyTtlMs);
  }

  private send(em: EntityManager, to: string, mail: AccountMail, ttlMs: number): void {
    const { subject, ...body } = mail;
    this.mail.enqueue(em, to, subject, body, new Date(Date.now() + ttlMs));
  }
}
