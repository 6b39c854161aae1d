import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createOrm } from '../clients/orm';
import { createPubSub } from '../clients/pubsub';
import { createRedis } from '../clients/redis';
import { makeAdmin } from '../services/members/admin-accounts';
import { normaliseEmail } from '../services/members/auth.service';
import { PasswordHasher } from '../services/members/password-hasher';
import { Sessions } from '../services/members/sessions';
import { TokenService } from '../services/members/token.service';

const USAGE = `usage: ADMIN_PASSWORD=… npm run create-admin -- --email admin@example.com [--name "Shop Admin"]
  The password comes from ADMIN_PASSWORD only (8 to 128 characters), never from the command line.
  An existing verified account is promoted to ADMIN and keeps its password. An unverified one
  is promoted only with ADMIN_PASSWORD, which replaces its password. Promotion ends the
  account's sessions.`;

/** Creates an ADMIN account (verified), or promotes an existing one. Admins never sign up. */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.email) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const email = normaliseEmail(values.email);
  const password = process.env.ADMIN_PASSWORD || undefined;
  if (password !== undefined && (password.length < 8 || password.length > 128)) {
    throw new Error('the password must be 8 to 128 characters');
  }

  const config = loadConfig();
  const orm = await createOrm(config.mysql);
  const redis = createRedis(config.redis);
  const pubSub = createPubSub(config.redis);
  try {
    await redis.connect();
    const sessions = new Sessions(config.auth, new TokenService(config.auth, redis, pubSub));
    const hasher = new PasswordHasher(config.auth.argon2);
    const outcome = await makeAdmin(orm.em.fork(), hasher, sessions, {
      email,
      name: values.name!,
      password,
    });
    const { user } = outcome;
    const state = `signed up ${user.createdAt.toISOString()}, verified ${user.emailVerifiedAt?.toISOString()}`;
    if (outcome.action === 'created') console.log(`created ADMIN ${email} (${state})`);
    else {
      console.log(`promoted ${email} to ADMIN (${state}); ended ${outcome.endedSessions} sessions`);
    }
  } finally {
    await pubSub.close();
    redis.disconnect();
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
