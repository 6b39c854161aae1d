import type { EntityManager } from '@mikro-orm/mysql';
import { Role, User } from '../../entities/user.entity';
import type { PasswordHasher } from './password-hasher';
import type { Sessions } from './sessions';

export interface AdminRequest {
  email: string;
  name: string;
  /** From ADMIN_PASSWORD; replaces the account's password when given. */
  password?: string;
}

export type AdminOutcome =
  { action: 'created'; user: User } | { action: 'promoted'; user: User; endedSessions: number };

/**
 * Creates a verified ADMIN account, or promotes an existing one the operator can vouch for.
 * Someone may have signed up the admin's address first with a password of their own: an
 * unverified account is promoted only with a new password (which replaces theirs), and every
 * promotion ends the account's sessions. Throws an Error naming the refusal otherwise.
 */
export async function makeAdmin(
  em: EntityManager,
  hasher: PasswordHasher,
  sessions: Pick<Sessions, 'revokeAll'>,
  request: AdminRequest,
): Promise<AdminOutcome> {
  const { email, name, password } = request;
  const existing = await em.findOne(User, { email });
  if (!existing) {
    if (!password) throw new Error('set ADMIN_PASSWORD for a new admin');
    const user = em.create(User, {
      email,
      name,
      passwordHash: await hasher.hash(password),
      role: Role.ADMIN,
      emailVerifiedAt: new Date(),
    });
    await em.flush();
    return { action: 'created', user };
  }
  if (!existing.emailVerifiedAt && !password) {
    throw new Error(
      `${email} is not verified (signed up ${existing.createdAt.toISOString()}): anyone could have ` +
        'registered it. Set ADMIN_PASSWORD to take the account over (its password is replaced ' +
        'and its sessions ended), or let its owner verify it first.',
    );
  }
  existing.role = Role.ADMIN;
  // A new password proves nothing about the mailbox, but no one else holds the account now.
  existing.emailVerifiedAt ??= new Date();
  if (password) existing.passwordHash = await hasher.hash(password);
  await em.flush();
  // Tokens carry the role: every session starts again under the new one.
  const endedSessions = await sessions.revokeAll(em, existing.id, 'ROLE_CHANGED');
  return { action: 'promoted', user: existing, endedSessions };
}
