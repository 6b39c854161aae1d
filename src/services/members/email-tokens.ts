import type { EntityManager } from '@mikro-orm/mysql';
import { EmailToken, EmailTokenPurpose } from '../../entities/email-token.entity';
import type { User } from '../../entities/user.entity';
import { BadUserInputError } from '../../errors';
import type { MailService } from '../mail/mail.service';
import { hashToken, newToken } from './secrets';

export const INVALID_TOKEN = 'This link is invalid or has expired';

/** Single-use email tokens (verification, password reset): only their hashes are stored. */
export class EmailTokens {
  constructor(private readonly mail: Pick<MailService, 'link'>) {}

  /** Stores a new single-use token (only its hash) and returns the link that carries it. */
  issue(
    em: EntityManager,
    user: User,
    purpose: EmailTokenPurpose,
    ttlMs: number,
    path: string,
  ): { link: string; expiresAt: Date } {
    const token = newToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    em.create(EmailToken, { user, purpose, tokenHash: hashToken(token), expiresAt });
    return { link: this.mail.link(path, token), expiresAt };
  }

  /** The unused, unexpired token row; throws BAD_USER_INPUT for anything else. */
  async live(em: EntityManager, token: string, purpose: EmailTokenPurpose) {
    const row = await em.findOne(
      EmailToken,
      { tokenHash: hashToken(token), purpose },
      { populate: ['user'] },
    );
    if (!row || row.usedAt || row.expiresAt <= new Date()) {
      throw new BadUserInputError(INVALID_TOKEN, 'token');
    }
    return row;
  }

  /** Marks a live token used, exactly once; throws BAD_USER_INPUT for anything else. */
  async claim(em: EntityManager, token: string, purpose: EmailTokenPurpose) {
    const row = await this.live(em, token, purpose);
    const claimed = await em.nativeUpdate(
      EmailToken,
      { id: row.id, usedAt: null },
      { usedAt: new Date() },
    );
    if (claimed === 0) throw new BadUserInputError(INVALID_TOKEN, 'token');
    return row;
  }

  /** Marks the member's open tokens used; for no member, the same statement matches nothing. */
  async expire(em: EntityManager, user: User | null, purpose: EmailTokenPurpose) {
    await em.nativeUpdate(
      EmailToken,
      { user: user?.id ?? 0, purpose, usedAt: null },
      { usedAt: new Date() },
    );
  }
}
