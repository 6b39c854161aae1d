import {
  ChangePasswordDocument,
  LoginDocument,
  LogoutAllDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RequestPasswordResetDocument,
  ResendVerificationEmailDocument,
  ResetPasswordDocument,
  SignUpDocument,
  UpdateProfileDocument,
  VerifyEmailDocument,
} from '../graphql/generated';
import { dataOf, errorCode, subscribe } from '../helpers/gql-client';
import { CapturingSmtp, tokenFromMail } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { User } from '../../src/entities/user.entity';
import { parse } from 'graphql';

const smtp = new CapturingSmtp();
let t: TestApp;
const PASSWORD = 'correct horse battery';
let seq = 0;
const newEmail = () => `member${++seq}.${Date.now()}@example.com`;

beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp(__filename, { SMTP_PORT: String(port), RATE_SIGNUP_PER_IP: '1000' });
});

afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

/** Signs up, follows the mailed link and logs in; returns the login payload. */
async function verifiedMember(email = newEmail(), password = PASSWORD) {
  dataOf(await t.gql(SignUpDocument, { input: { email, password, name: 'Jun' } }));
  const mail = await smtp.waitForMail(email, /verify/i);
  const token = tokenFromMail(mail, '/verify-email');
  dataOf(await t.gql(VerifyEmailDocument, { input: { token } }));
  return dataOf(await t.gql(LoginDocument, { input: { email, password } })).login;
}

describe('sign-up and verification', () => {
  it('mails a verification link; verifying allows login and me', async () => {
    const email = newEmail();
    const signUp = dataOf(
      await t.gql(SignUpDocument, {
        input: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Jun' },
      }),
    );
    expect(signUp.signUp.accepted).toBe(true);
    const stored = await t.app.orm.em.fork().findOneOrFail(User, { email });
    expect(stored).toMatchObject({ email, emailVerifiedAt: null, role: 'USER' });

    const mail = await smtp.waitForMail(email, /verify/i);
    expect(mail.text).toContain('http://shop.rocket-mart.test/verify-email?token=');
    const token = tokenFromMail(mail, '/verify-email');
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url

    const verified = dataOf(await t.gql(VerifyEmailDocument, { input: { token } }));
    expect(verified.verifyEmail.user.emailVerified).toBe(true);
    // The link is single use.
    expect(errorCode(await t.gql(VerifyEmailDocument, { input: { token } }))).toBe(
      'BAD_USER_INPUT',
    );

    const login = dataOf(
      await t.gql(LoginDocument, { input: { email, password: PASSWORD } }),
    ).login;
    const me = dataOf(await t.gql(MeDocument, {}, login.accessToken)).me;
    expect(me).toMatchObject({ email, name: 'Jun', emailVerified: true });
  });

  it('a second sign-up with a registered email answers the same and mails the owner', async () => {
    const email = newEmail();
    const first = await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'A' } });
    const again = await t.gql(SignUpDocument, {
      input: { email: email.toUpperCase(), password: PASSWORD, name: 'B' },
    });
    expect(again).toEqual(first);
    expect(await t.app.orm.em.fork().count(User, { email })).toBe(1);
    const notice = await smtp.waitForMail(email, /tried to sign up/i);
    expect(notice.text).toContain('already has one');
  });

  it('resends the verification mail and the old link stops working', async () => {
    const email = newEmail();
    dataOf(await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'R' } }));
    const first = tokenFromMail(await smtp.waitForMail(email, /verify/i), '/verify-email');
    dataOf(await t.gql(ResendVerificationEmailDocument, { input: { email } }));
    await waitFor(() => smtp.count(email, /verify/i) === 2, { what: 'second verification mail' });
    const mails = smtp.mails.filter(
      (m) => m.subject?.match(/verify/i) && m.text?.includes('token='),
    );
    const second = tokenFromMail(
      mails.filter((m) => JSON.stringify(m.to).includes(email)).at(-1)!,
      '/verify-email',
    );
    expect(second).not.toBe(first);
    expect(errorCode(await t.gql(VerifyEmailDocument, { input: { token: first } }))).toBe(
      'BAD_USER_INPUT',
    );
    dataOf(await t.gql(VerifyEmailDocument, { input: { token: second } }));
  });

  it('the verification link shows a button; only its POST verifies (a prefetching scanner does not)', async () => {
    const email = newEmail();
    dataOf(await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'B' } }));
    const token = tokenFromMail(await smtp.waitForMail(email, /verify/i), '/verify-email');
    const url = t.url.replace('/graphql', '/verify-email');
    const page = await fetch(`${url}?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Confirm my email address');
    expect(errorCode(await t.gql(LoginDocument, { input: { email, password: PASSWORD } }))).toBe(
      'EMAIL_NOT_VERIFIED',
    );
    const confirmed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('is verified');
    dataOf(await t.gql(LoginDocument, { input: { email, password: PASSWORD } }));
  });
});

describe('login', () => {
  it('refuses an unverified account', async () => {
    const email = newEmail();
    dataOf(await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'U' } }));
    expect(errorCode(await t.gql(LoginDocument, { input: { email, password: PASSWORD } }))).toBe(
      'EMAIL_NOT_VERIFIED',
    );
  });

  it('answers identically for an unknown email and a wrong password', async () => {
    const { user } = await verifiedMember();
    const wrong = await t.gql(LoginDocument, {
      input: { email: user.email, password: 'wrong password!' },
    });
    const unknown = await t.gql(LoginDocument, {
      input: { email: newEmail(), password: 'wrong password!' },
    });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect({ ...unknown, errors: unknown.errors?.map((e) => ({ ...e })) }).toEqual({
      ...wrong,
      errors: wrong.errors?.map((e) => ({ ...e })),
    });
  });

  it('{ me } without a token is UNAUTHENTICATED', async () => {
    const res = await t.gql(MeDocument, {});
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(res)).not.toMatch(/stack|at .*\.ts/);
  });
});

describe('sessions', () => {
  it('rotates refresh tokens; reusing an old one revokes the whole family', async () => {
    const login = await verifiedMember();
    const r1 = dataOf(
      await t.gql(RefreshTokenDocument, { input: { refreshToken: login.refreshToken } }),
    ).refreshToken;
    expect(r1.refreshToken).not.toBe(login.refreshToken);
    const r2 = dataOf(
      await t.gql(RefreshTokenDocument, { input: { refreshToken: r1.refreshToken } }),
    ).refreshToken;
    dataOf(await t.gql(MeDocument, {}, r2.accessToken));

    // A stolen, already-rotated token is replayed.
    const replay = await t.gql(RefreshTokenDocument, {
      input: { refreshToken: login.refreshToken },
    });
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    // The whole family is dead: the newest refresh token and the access tokens alike.
    expect(
      errorCode(await t.gql(RefreshTokenDocument, { input: { refreshToken: r2.refreshToken } })),
    ).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(MeDocument, {}, r2.accessToken))).toBe('UNAUTHENTICATED');
  });

  it('logout kills the access token at once, over HTTP and for new websockets', async () => {
    const login = await verifiedMember();
    const other = dataOf(
      await t.gql(LoginDocument, { input: { email: login.user.email, password: PASSWORD } }),
    ).login;
    dataOf(await t.gql(MeDocument, {}, login.accessToken));
    dataOf(await t.gql(LogoutDocument, {}, login.accessToken));

    expect(errorCode(await t.gql(MeDocument, {}, login.accessToken))).toBe('UNAUTHENTICATED');
    expect(
      errorCode(await t.gql(RefreshTokenDocument, { input: { refreshToken: login.refreshToken } })),
    ).toBe('UNAUTHENTICATED');
    await expect(wsRefused(login.accessToken)).resolves.toBe(4403);
    // Another session of the same member lives on.
    dataOf(await t.gql(MeDocument, {}, other.accessToken));
    await expect(wsRefused(other.accessToken)).resolves.toBe('open');
  });

  it('logoutAll ends every session of the member', async () => {
    const a = await verifiedMember();
    const b = dataOf(
      await t.gql(LoginDocument, { input: { email: a.user.email, password: PASSWORD } }),
    ).login;
    const ended = dataOf(await t.gql(LogoutAllDocument, {}, a.accessToken)).logoutAll;
    expect(ended.endedSessions).toBe(2);
    for (const s of [a, b]) {
      expect(errorCode(await t.gql(MeDocument, {}, s.accessToken))).toBe('UNAUTHENTICATED');
      await expect(wsRefused(s.accessToken)).resolves.toBe(4403);
    }
  });
});

/** Opens a websocket with the token and runs a query; 'open' if it works, else the close code. */
async function wsRefused(token: string): Promise<number | 'open'> {
  const client = t.ws(token);
  const sub = subscribe(client, parse('query { serverTime }'));
  try {
    await waitFor(() => sub.events.length > 0 || sub.error !== undefined || sub.closed, {
      what: 'websocket answer',
    });
    if (sub.events.length > 0 && !sub.events[0].errors) return 'open';
    const err = sub.error as { code?: number } | undefined;
    return err?.code ?? -1;
  } finally {
    await client.dispose();
  }
}

describe('passwords', () => {
  it('changePassword needs the current password and ends other sessions', async () => {
    const a = await verifiedMember();
    const b = dataOf(
      await t.gql(LoginDocument, { input: { email: a.user.email, password: PASSWORD } }),
    ).login;
    const wrong = await t.gql(
      ChangePasswordDocument,
      { input: { currentPassword: 'not my password', newPassword: 'a brand new password' } },
      a.accessToken,
    );
    expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0].extensions?.field).toBe('currentPassword');

    dataOf(
      await t.gql(
        ChangePasswordDocument,
        { input: { currentPassword: PASSWORD, newPassword: 'a brand new password' } },
        a.accessToken,
      ),
    );
    dataOf(await t.gql(MeDocument, {}, a.accessToken));
    expect(errorCode(await t.gql(MeDocument, {}, b.accessToken))).toBe('UNAUTHENTICATED');
    expect(
      errorCode(await t.gql(LoginDocument, { input: { email: a.user.email, password: PASSWORD } })),
    ).toBe('UNAUTHENTICATED');
    dataOf(
      await t.gql(LoginDocument, {
        input: { email: a.user.email, password: 'a brand new password' },
      }),
    );
  });

  it('password reset end to end: one-time token, old sessions dead', async () => {
    const a = await verifiedMember();
    const email = a.user.email;
    const same = await t.gql(RequestPasswordResetDocument, { input: { email } });
    const unknown = await t.gql(RequestPasswordResetDocument, { input: { email: newEmail() } });
    expect(dataOf(same)).toEqual(dataOf(unknown));

    const token = tokenFromMail(await smtp.waitForMail(email, /reset/i), '/reset-password');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    // The mail's link opens a form; neither opening it nor a refused POST spends the token.
    const page = t.url.replace('/graphql', '/reset-password');
    const form = await fetch(`${page}?token=${token}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="/reset-password">');
    const short = await fetch(page, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, password: 'short', confirm: 'short' }).toString(),
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('The password needs 8 to 128 characters.');
    dataOf(
      await t.gql(ResetPasswordDocument, { input: { token, newPassword: 'reset to this one' } }),
    );
    expect(
      errorCode(
        await t.gql(ResetPasswordDocument, { input: { token, newPassword: 'and again this' } }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(MeDocument, {}, a.accessToken))).toBe('UNAUTHENTICATED');
    expect(
      errorCode(await t.gql(RefreshTokenDocument, { input: { refreshToken: a.refreshToken } })),
    ).toBe('UNAUTHENTICATED');
    dataOf(await t.gql(LoginDocument, { input: { email, password: 'reset to this one' } }));
  });
});

describe('profile', () => {
  it('stores phone and address as ciphertext and shows them in clear to their owner', async () => {
    const a = await verifiedMember();
    const updated = dataOf(
      await t.gql(
        UpdateProfileDocument,
        { input: { name: 'Kim Jun', phone: '010-1234-5678', address: '1 Gangnam-daero, Seoul' } },
        a.accessToken,
      ),
    ).updateProfile.user;
    expect(updated).toMatchObject({
      name: 'Kim Jun',
      phone: '010-1234-5678',
      address: '1 Gangnam-daero, Seoul',
    });

    const [row] = await t.app.orm.em
      .fork()
      .getConnection()
      .execute<{ phone_cipher: string; address_cipher: string }[]>(
        'select phone_cipher, address_cipher from users where id = ?',
        [Number(a.user.id)],
      );
    expect(row.phone_cipher).not.toContain('1234');
    expect(row.address_cipher).not.toContain('Seoul');
    expect(row.phone_cipher).toMatch(/^v1\./);

    const me = dataOf(await t.gql(MeDocument, {}, a.accessToken)).me;
    expect(me).toMatchObject({ phone: '010-1234-5678', address: '1 Gangnam-daero, Seoul' });

    const cleared = dataOf(
      await t.gql(UpdateProfileDocument, { input: { phone: null } }, a.accessToken),
    );
    expect(cleared.updateProfile.user).toMatchObject({
      phone: null,
      address: '1 Gangnam-daero, Seoul',
    });
  });
});
