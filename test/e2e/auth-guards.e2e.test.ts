import {
  LoginDocument,
  MeDocument,
  RequestPasswordResetDocument,
  ResendVerificationEmailDocument,
  SignUpDocument,
  UpdateProfileDocument,
} from '../graphql/generated';
import { dataOf, errorCode, gqlRequest } from '../helpers/gql-client';
import { CapturingSmtp } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { User } from '../../src/entities/user.entity';

// Rate limits, input validation and error masking, with limits small enough to reach.
const smtp = new CapturingSmtp();
let t: TestApp;
let seq = 0;
const newEmail = () => `guard${++seq}.${Date.now()}@example.com`;

beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp(__filename, {
    SMTP_PORT: String(port),
    RATE_LOGIN_PER_ACCOUNT: '3',
    RATE_LOGIN_PER_IP: '1000',
    RATE_SIGNUP_PER_IP: '1000',
    RATE_MAIL_PER_ACCOUNT: '2',
    HTTP_TRUSTED_PROXIES: 'loopback',
  });
});

afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

const users = () => t.app.orm.em.fork().count(User, {});

describe('rate limits', () => {
  it('login: the 4th attempt on one account is RATE_LIMITED and says when to retry', async () => {
    const email = newEmail();
    dataOf(
      await t.gql(SignUpDocument, { input: { email, password: 'long enough pw', name: 'R' } }),
    );
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(LoginDocument, { input: { email, password: `wrong guess ${i}` } });
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
    }
    const limited = await t.gql(LoginDocument, { input: { email, password: 'long enough pw' } });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    const retry = limited.errors?.[0].extensions?.retryAfterSeconds as number;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(900);
  });

  it('sign-up is limited per client address', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.7' };
    const signUp = (email: string) =>
      gqlRequest(
        t.url,
        SignUpDocument,
        { input: { email, password: 'long enough pw', name: 'S' } },
        undefined,
        headers,
      );
    // The limit for this file is high; a second app with a low one shares nothing with it.
    const low = await startTestApp(`${__filename}-signup`, {
      RATE_SIGNUP_PER_IP: '2',
      HTTP_TRUSTED_PROXIES: 'loopback',
    });
    try {
      const lowSignUp = (email: string) =>
        gqlRequest(
          low.url,
          SignUpDocument,
          { input: { email, password: 'long enough pw', name: 'S' } },
          undefined,
          headers,
        );
      dataOf(await lowSignUp(newEmail()));
      dataOf(await lowSignUp(newEmail()));
      const third = await lowSignUp(newEmail());
      expect(errorCode(third)).toBe('RATE_LIMITED');
      expect(third.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      // Another address is not affected.
      dataOf(
        await gqlRequest(
          low.url,
          SignUpDocument,
          { input: { email: newEmail(), password: 'long enough pw', name: 'S' } },
          undefined,
          {
            'x-forwarded-for': '198.51.100.9',
          },
        ),
      );
    } finally {
      await low.stop();
    }
    dataOf(await signUp(newEmail()));
  });

  it('mail sends (resends and resets) are limited per address', async () => {
    const email = newEmail();
    dataOf(await t.gql(ResendVerificationEmailDocument, { input: { email } }));
    dataOf(await t.gql(RequestPasswordResetDocument, { input: { email } }));
    expect(errorCode(await t.gql(ResendVerificationEmailDocument, { input: { email } }))).toBe(
      'RATE_LIMITED',
    );
    expect(errorCode(await t.gql(RequestPasswordResetDocument, { input: { email } }))).toBe(
      'RATE_LIMITED',
    );
  });
});

describe('bad input', () => {
  const valid = { email: 'valid@example.com', password: 'long enough pw', name: 'V' };

  it.each([
    ['malformed email', { ...valid, email: 'not-an-email' }, 'email'],
    ['short password', { ...valid, password: 'short' }, 'password'],
    // Long, yet under the body limit: the field's own limit answers.
    ['32 KB name', { ...valid, name: 'x'.repeat(32 * 1024) }, 'name'],
    ['32 KB email', { ...valid, email: `${'a'.repeat(32 * 1024)}@example.com` }, 'email'],
  ])('%s → BAD_USER_INPUT naming the field, nothing stored', async (_what, input, field) => {
    const before = await users();
    const res = await t.gql(SignUpDocument, { input });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe(field);
    expect(await users()).toBe(before);
  });

  it('wrong types and missing fields → BAD_USER_INPUT naming the field', async () => {
    const wrongType = await gqlRequest(t.url, SignUpDocument, {
      input: { ...valid, name: 42 as unknown as string },
    });
    expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');
    expect(wrongType.errors?.[0].extensions?.field).toBe('name');

    const { password: _omitted, ...withoutPassword } = valid;
    const missing = await gqlRequest(t.url, SignUpDocument, {
      input: withoutPassword as typeof valid,
    });
    expect(errorCode(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0].extensions?.field).toBe('password');

    const noInput = await gqlRequest(t.url, SignUpDocument, {} as never);
    expect(errorCode(noInput)).toBe('BAD_USER_INPUT');
  });

  it('an oversized body is refused with a JSON error, and the server keeps serving', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ serverTime }',
        variables: { pad: 'x'.repeat(3 * 1024 * 1024) },
      }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const after = await gqlRequest(t.url, '{ serverTime }');
    expect(after.errors).toBeUndefined();
  });

  it('malformed JSON and unknown fields get coded errors without stack traces', async () => {
    const broken = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ serverTime }"',
    });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);

    const unknown = await gqlRequest(t.url, '{ serverTime nope }');
    expect(errorCode(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(unknown)).not.toMatch(/stacktrace/i);
  });

  it('profile fields are bounded too', async () => {
    const email = newEmail();
    dataOf(
      await t.gql(SignUpDocument, { input: { email, password: 'long enough pw', name: 'P' } }),
    );
    await t.app.orm.em.fork().nativeUpdate(User, { email }, { emailVerifiedAt: new Date() });
    const login = dataOf(
      await t.gql(LoginDocument, { input: { email, password: 'long enough pw' } }),
    ).login;
    const res = await t.gql(
      UpdateProfileDocument,
      { input: { address: 'y'.repeat(10_000) } },
      login.accessToken,
    );
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('address');
    expect(dataOf(await t.gql(MeDocument, {}, login.accessToken)).me.address).toBeNull();
  });

  it('a forged or garbage token is UNAUTHENTICATED', async () => {
    expect(errorCode(await t.gql(MeDocument, {}, 'garbage'))).toBe('UNAUTHENTICATED');
    const forged = [
      'eyJhbGciOiJIUzI1NiJ9',
      Buffer.from('{"sub":"1","sid":"x","role":"ADMIN"}').toString('base64url'),
      'c2ln',
    ].join('.');
    expect(errorCode(await t.gql(MeDocument, {}, forged))).toBe('UNAUTHENTICATED');
  });

  it('a query over the cost limit is refused before it runs', async () => {
    // Ten pages of a hundred products: few tokens and aliases, a cost over 5000.
    const page = 'products(first: 100) { edges { node { id name description price } } }';
    const deep = `{ ${Array.from({ length: 10 }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
    const res = await gqlRequest(t.url, deep);
    expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/too complex/);
  });

  it('costs each page size on its own: a cached small page never lets a big one through', async () => {
    const low = await startTestApp(`${__filename}-cost`, { GRAPHQL_MAX_COMPLEXITY: '300' });
    try {
      const query =
        'query Page($first: Int!) { products(first: $first) { edges { node { id name price } } } }';
      const page = (first: number) => gqlRequest(low.url, query, { first });
      expect((await page(10)).errors).toBeUndefined();
      expect(errorCode(await page(100))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await page(10)).errors).toBeUndefined();
      expect(errorCode(await page(100))).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await low.stop();
    }
  });
});
