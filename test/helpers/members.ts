import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import { Session } from '../../src/entities/session.entity';
import { Role, User } from '../../src/entities/user.entity';

/** A verified member with a live session; `token` is an access token for that session. */
export interface Member {
  id: number;
  email: string;
  token: string;
}

// One flush per batch keeps thousands of members to a few multi-row inserts.
const BATCH = 1000;
let seq = 0;

/**
 * Verified members written straight to MySQL, each with a session and an access token signed
 * for it (signup and login are covered by the auth tests, and login is rate-limited per
 * address). Their password hash is a placeholder that never verifies: they cannot log in.
 */
export async function createMembers(app: App, count: number, role = Role.USER): Promise<Member[]> {
  const expiresAt = new Date(Date.now() + 3_600_000);
  const members: Member[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const em = app.orm.em.fork();
    const users = Array.from({ length: Math.min(BATCH, count - start) }, () => {
      const n = ++seq;
      return em.create(User, {
        email: `m${n}.${randomUUID().slice(0, 8)}@example.com`,
        passwordHash: 'placeholder: not an argon2 hash',
        name: `Member ${n}`,
        emailVerifiedAt: new Date(),
        role,
      });
    });
    const sessions = users.map((user) => em.create(Session, { id: randomUUID(), user, expiresAt }));
    await em.flush();
    users.forEach((user, i) =>
      members.push({
        id: user.id,
        email: user.email,
        token: app.services.tokens.signAccess(user.id, role, sessions[i]!.id).token,
      }),
    );
  }
  return members;
}

/** One verified member; see `createMembers`. */
export async function createMember(app: App, role = Role.USER): Promise<Member> {
  return (await createMembers(app, 1, role))[0]!;
}
