import {
  LoginDocument,
  RequestPasswordResetDocument,
  ResendVerificationEmailDocument,
  ResetPasswordDocument,
  SignUpDocument,
} from '../graphql/generated';
import { dataOf, errorCode, gqlRequest } from '../helpers/gql-client';
import { CapturingSmtp } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { User } from '../../src/entities/user.entity';

// What one client can do to someone else's account: lock it, walk around per-address limits with
// an IPv6 prefix, or learn whether it exists from how much work the server did.
const smtp = new CapturingSmtp();
let t: TestApp;
let seq = 0;
const PASSWORD = 'long enough pw';
const newEmail = () => `abuse${++seq}.${Date.now()}@example.com`;

beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp(__filename, {
    SMTP_PORT: String(port),
    HTTP_TRUSTED_PROXIES: 'loopback',
    RATE_LOGIN_PER_ACCOUNT: '3',
    RATE_LOGIN_PER_IP: '1000',
    RATE_LOGIN_DELAY_BASE_MS: '200',
    RATE_LOGIN_DELAY_MAX_MS: '800',
    RATE_SIGNUP_PER_IP: '1000',
    RATE_MAIL_PER_IP: '1000',
    RATE_RESET_PER_IP: '1000',
  });
});

afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

const from = (address: string) => ({ 'x-forwarded-for': address });
const login = (email: string, password: string, address: string) =>
  gqlRequest(t.url, LoginDocument, { input: { email, password } }, undefined, from(address));

async function member(): Promise<string> {
  const email = newEmail();
  dataOf(await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'M' } }));
  await t.app.orm.em.fork().nativeUpdate(User, { email }, { emailVerifiedAt: new Date() });
  return email;
}

describe('login lockout', () => {
  it('wrong passwords from one address do not lock the owner out from another', async () => {
    const email = await member();
    for (let i = 0; i < 3; i++) {
      expect(errorCode(await login(email, `wrong ${i}`, '203.0.113.10'))).toBe('UNAUTHENTICATED');
    }
    // The guessing address is locked out of this account, even with the right password.
    expect(errorCode(await login(email, PASSWORD, '203.0.113.10'))).toBe('RATE_LIMITED');
    // The owner, elsewhere, still gets in.
    expect(dataOf(await login(email, PASSWORD, '198.51.100.20')).login.user.email).toBe(email);
  });

  it('parallel guesses from one address get no more tries than sequential ones', async () => {
    const email = await member();
    // All sent at once: each is counted before its password is checked, not after it failed.
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) => login(email, `wrong ${i}`, '203.0.113.90')),
    );
    const codes = answers.map((a) => errorCode(a));
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(3);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(6);
  });

  it('failures from many addresses slow every attempt on the account, progressively', async () => {
    const email = await member();
    const timed = async (address: string, password: string) => {
      const started = performance.now();
      const res = await login(email, password, address);
      return { ms: performance.now() - started, res };
    };
    const quick = await timed('198.51.100.30', 'wrong first');
    // Two failures each from six addresses: no address reaches its own lock.
    for (let i = 0; i < 12; i++) await login(email, `wrong ${i}`, `198.51.100.${40 + (i % 6)}`);
    const slowed = await timed('198.51.100.60', 'wrong again');
    expect(errorCode(slowed.res)).toBe('UNAUTHENTICATED');
    expect(slowed.ms).toBeGreaterThan(quick.ms + 400);
    // The owner is slowed too, never refused.
    const owner = await timed('198.51.100.61', PASSWORD);
    expect(dataOf(owner.res).login.user.email).toBe(email);
  });

  it('a password reset clears the lock', async () => {
    const email = await member();
    for (let i = 0; i < 3; i++) await login(email, `wrong ${i}`, '203.0.113.70');
    expect(errorCode(await login(email, PASSWORD, '203.0.113.70'))).toBe('RATE_LIMITED');
    dataOf(await t.gql(RequestPasswordResetDocument, { input: { email } }));
    const mail = await smtp.waitForMail(email, /reset/i);
    const token = /token=([\w-]+)/.exec(mail.text ?? '')![1]!;
    dataOf(await t.gql(ResetPasswordDocument, { input: { token, newPassword: 'a new password' } }));
    // The locked address was the owner's all along: the new password works from it.
    expect(dataOf(await login(email, 'a new password', '203.0.113.70')).login.user.email).toBe(
      email,
    );
  });
});

describe('IPv6 clients', () => {
  it('per-address limits count a whole /64 as one client', async () => {
    const low = await startTestApp(`${__filename}-v6`, {
      HTTP_TRUSTED_PROXIES: 'loopback',
      RATE_SIGNUP_PER_IP: '2',
    });
    try {
      const signUp = (address: string) =>
        gqlRequest(
          low.url,
          SignUpDocument,
          { input: { email: newEmail(), password: PASSWORD, name: 'V' } },
          undefined,
          from(address),
        );
      dataOf(await signUp('2001:db8:1:2::1'));
      dataOf(await signUp('2001:db8:1:2:aaaa::2'));
      expect(errorCode(await signUp('2001:db8:1:2:ffff:ffff:ffff:3'))).toBe('RATE_LIMITED');
      // The next /64 is another client.
      dataOf(await signUp('2001:db8:1:3::1'));
    } finally {
      await low.stop();
    }
  });
});

describe('unknown and known addresses do the same work', () => {
  it('a password reset for an unknown address queues a mail as for a known one', async () => {
    const unknown = newEmail();
    dataOf(await t.gql(RequestPasswordResetDocument, { input: { email: unknown } }));
    await smtp.waitForMail(unknown, /password/i);
  });

  it('a verification resend for an unknown or verified address queues a mail too', async () => {
    const unknown = newEmail();
    dataOf(await t.gql(ResendVerificationEmailDocument, { input: { email: unknown } }));
    await smtp.waitForMail(unknown, /.+/);
    const verified = await member();
    const before = smtp.mails.length;
    dataOf(await t.gql(ResendVerificationEmailDocument, { input: { email: verified } }));
    await smtp.waitForMail(verified, /already/i);
    expect(smtp.mails.length).toBeGreaterThan(before);
  });
});
