import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createOrm } from '../clients/orm';
import { Role, User } from '../entities/user.entity';
import { PasswordHasher } from '../services/members/password-hasher';
import { normaliseEmail } from '../services/members/auth.service';

const USAGE = `usage: npm run create-admin -- --email admin@example.com [--name "Shop Admin"]
  The password comes from ADMIN_PASSWORD (or --password); 8 to 128 characters.
  An existing account with that email is promoted to ADMIN (its password is then left alone
  unless a password is given).`;

/** Creates an ADMIN account (verified), or promotes an existing one. Admins never sign up. */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.email) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const email = normaliseEmail(values.email);
  const password = values.password ?? process.env.ADMIN_PASSWORD;
  if (password !== undefined && (password.length < 8 || password.length > 128)) {
    throw new Error('the password must be 8 to 128 characters');
  }

  const config = loadConfig();
  const orm = await createOrm(config.mysql);
  try {
    const em = orm.em.fork();
    const hasher = new PasswordHasher(config.auth.argon2);
    let user = await em.findOne(User, { email });
    if (user) {
      user.role = Role.ADMIN;
      user.emailVerifiedAt ??= new Date();
      if (password) user.passwordHash = await hasher.hash(password);
      console.log(`promoted ${email} to ADMIN`);
    } else {
      if (!password) throw new Error('set ADMIN_PASSWORD (or --password) for a new admin');
      user = em.create(User, {
        email,
        name: values.name!,
        passwordHash: await hasher.hash(password),
        role: Role.ADMIN,
        emailVerifiedAt: new Date(),
      });
      console.log(`created ADMIN ${email}`);
    }
    await em.flush();
  } finally {
    await orm.close(true);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
