import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LoginDocument, SignUpDocument } from '../graphql/generated';
import { dataOf, errorCode } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { Session } from '../../src/entities/session.entity';
import { Role, User } from '../../src/entities/user.entity';

// `npm run create-admin` (the built CLI) against this file's database: it never hands ADMIN to
// an account whose owner it cannot vouch for. Needs `npm run build` first, as the README says.
let t: TestApp;
let seq = 0;
const newEmail = () => `ops${++seq}.${Date.now()}@shop.example`;
const ATTACKER_PASSWORD = 'attacker pw 123';

beforeAll(async () => {
  t = await startTestApp(__filename, { RATE_LOGIN_PER_IP: '1000', RATE_SIGNUP_PER_IP: '1000' });
});

afterAll(async () => {
  await t?.stop();
});

function createAdmin(args: string[], env: Record<string, string> = {}) {
  const { mysql, redis } = t.config;
  return spawnSync(
    process.execPath,
    [join(__dirname, '../../dist/src/cli/create-admin.js'), ...args],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        MYSQL_HOST: mysql.host,
        MYSQL_PORT: String(mysql.port),
        MYSQL_USER: mysql.user,
        MYSQL_PASSWORD: mysql.password,
        MYSQL_DATABASE: mysql.dbName,
        REDIS_HOST: redis.host,
        REDIS_PORT: String(redis.port),
        REDIS_KEY_PREFIX: redis.keyPrefix,
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_ITERATIONS: '1',
        ...env,
      },
    },
  );
}

const stored = (email: string) => t.app.orm.em.fork().findOneOrFail(User, { email });

/** Someone registers the planned admin mailbox first, with a password of their own. */
async function preRegistered(): Promise<string> {
  const email = newEmail();
  dataOf(
    await t.gql(SignUpDocument, { input: { email, password: ATTACKER_PASSWORD, name: 'Eve' } }),
  );
  return email;
}

describe('create-admin', () => {
  it('refuses to promote an unverified account when no password is given', async () => {
    const email = await preRegistered();
    const run = createAdmin(['--email', email]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/not verified/i);
    expect((await stored(email)).role).toBe(Role.USER);
  });

  it('with ADMIN_PASSWORD it takes the account over: new password, sessions ended', async () => {
    const email = await preRegistered();
    const em = t.app.orm.em.fork();
    const user = await em.findOneOrFail(User, { email });
    em.create(Session, { id: `s-${email}`, user, expiresAt: new Date(Date.now() + 3_600_000) });
    await em.flush();
    const run = createAdmin(['--email', email], { ADMIN_PASSWORD: 'operator pw 456' });
    expect(run.status).toBe(0);
    expect((await stored(email)).role).toBe(Role.ADMIN);
    const login = await t.gql(LoginDocument, { input: { email, password: ATTACKER_PASSWORD } });
    expect(errorCode(login)).toBe('UNAUTHENTICATED');
    const session = await t.app.orm.em.fork().findOneOrFail(Session, { id: `s-${email}` });
    expect(session.revokedAt).toBeInstanceOf(Date);
  });

  it('refuses a password on the command line, where ps and shell history keep it', async () => {
    const run = createAdmin(['--email', newEmail(), '--password', 'operator pw 456']);
    expect(run.status).not.toBe(0);
  });

  it('promotes a verified account without touching its password', async () => {
    const email = await preRegistered();
    await t.app.orm.em.fork().nativeUpdate(User, { email }, { emailVerifiedAt: new Date() });
    const run = createAdmin(['--email', email]);
    expect(run.status).toBe(0);
    expect((await stored(email)).role).toBe(Role.ADMIN);
    expect(run.stdout).toMatch(/promoted .* verified \d{4}/);
  });
});
