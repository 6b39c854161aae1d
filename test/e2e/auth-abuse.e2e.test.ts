import WebSocket from 'ws';
import {
  LoginDocument,
  ResetPasswordDocument,
  SignUpDocument,
  VerifyEmailDocument,
} from '../graphql/generated';
import { dataOf, errorCode, gqlRequest } from '../helpers/gql-client';
import { CapturingSmtp } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { User } from '../../src/entities/user.entity';

// Abuse of the authentication mutations: spoofed addresses, look-alike emails, token guessing.
const smtp = new CapturingSmtp();
let t: TestApp;
let seq = 0;
const PASSWORD = 'long enough pw';
const unique = () => `${++seq}.${Date.now()}`;

beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp(__filename, {
    SMTP_PORT: String(port),
    RATE_SIGNUP_PER_IP: '1000',
    RATE_LOGIN_PER_IP: '1000',
    RATE_TOKEN_PER_IP: '3',
  });
});

afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

/** A verified member (verified in the database: the mail flow has its own tests). */
async function member(email: string): Promise<void> {
  dataOf(await t.gql(SignUpDocument, { input: { email, password: PASSWORD, name: 'M' } }));
  const em = t.app.orm.em.fork();
  await em.nativeUpdate(User, { email }, { emailVerifiedAt: new Date() });
}

describe('emails', () => {
  it('an accented look-alike is another address: it cannot log into the account', async () => {
    const n = unique();
    await member(`john.${n}@example.com`);
    const lookAlike = await t.gql(LoginDocument, {
      input: { email: `jöhn.${n}@example.com`, password: PASSWORD },
    });
    expect(errorCode(lookAlike)).toBe('UNAUTHENTICATED');
    // It can have its own account, which is not the first one.
    await member(`jöhn.${n}@example.com`);
    const em = t.app.orm.em.fork();
    const rows = await em.find(User, { email: { $like: `%.${n}@example.com` } });
    expect(rows.map((u) => u.email).sort()).toEqual(
      [`john.${n}@example.com`, `jöhn.${n}@example.com`].sort(),
    );
  });

  it('one address has one spelling: NFKC and case are normalised', async () => {
    const n = unique();
    await member(`ann.${n}@example.com`);
    // Full-width letters and a decomposed form are the same address.
    const fullWidth = await t.gql(LoginDocument, {
      input: { email: `ＡＮＮ.${n}@example.com`, password: PASSWORD },
    });
    expect(dataOf(fullWidth).login.user.email).toBe(`ann.${n}@example.com`);
    await member(`zoë.${n}@example.com`);
    const decomposed = await t.gql(LoginDocument, {
      input: { email: `zoe\u0308.${n}@example.com`, password: PASSWORD },
    });
    expect(dataOf(decomposed).login.user.email).toBe(`zoë.${n}@example.com`);
  });
});

describe('single-use tokens', () => {
  it('resetPassword and verifyEmail guesses are rate-limited per client address', async () => {
    const guess = (i: number) =>
      t.gql(ResetPasswordDocument, { input: { token: `guess-${i}`, newPassword: PASSWORD } });
    for (let i = 0; i < 3; i++) expect(errorCode(await guess(i))).toBe('BAD_USER_INPUT');
    expect(errorCode(await guess(3))).toBe('RATE_LIMITED');
    expect(errorCode(await t.gql(VerifyEmailDocument, { input: { token: 'guess' } }))).toBe(
      'RATE_LIMITED',
    );
  });
});

describe('hashing', () => {
  it('resetPassword checks the token before it hashes: a bad token costs no hash', async () => {
    // A dear hash (hundreds of iterations) makes the difference plain on any machine.
    const app = await startTestApp(`${__filename}-hash`, {
      ARGON2_ITERATIONS: '400',
      RATE_TOKEN_PER_IP: '1000',
    });
    try {
      const timed = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        await run();
        return performance.now() - started;
      };
      const hashed = await timed(async () =>
        dataOf(
          await app.gql(SignUpDocument, {
            input: { email: `hash.${unique()}@example.com`, password: PASSWORD, name: 'H' },
          }),
        ),
      );
      const reset = (token: string) =>
        app.gql(ResetPasswordDocument, { input: { token, newPassword: PASSWORD } });
      await reset('warm-up'); // first request on a new app opens connections
      const badToken = await timed(async () => {
        expect(errorCode(await reset('not-a-token'))).toBe('BAD_USER_INPUT');
      });
      expect(badToken).toBeLessThan(hashed / 4);
    } finally {
      await app.stop();
    }
  });
});

describe('client address behind proxies', () => {
  const signUpFrom = (app: TestApp, forwardedFor: string) =>
    gqlRequest(
      app.url,
      SignUpDocument,
      { input: { email: `xff.${unique()}@example.com`, password: PASSWORD, name: 'X' } },
      undefined,
      { 'x-forwarded-for': forwardedFor },
    );

  it('untrusted: a forged X-Forwarded-For does not reset the limit, on HTTP or websockets', async () => {
    const app = await startTestApp(`${__filename}-untrusted`, {
      RATE_SIGNUP_PER_IP: '2',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1',
    });
    try {
      dataOf(await signUpFrom(app, '198.51.100.1'));
      dataOf(await signUpFrom(app, '198.51.100.2'));
      expect(errorCode(await signUpFrom(app, '198.51.100.3'))).toBe('RATE_LIMITED');
      // The socket's upgrade request derives the address the same way: with one socket allowed
      // per address, a second one that forges another X-Forwarded-For is still refused.
      const sockets: WebSocket[] = [];
      const open = (forwardedFor: string) =>
        new Promise<number | 'acknowledged'>((resolve) => {
          const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws', {
            headers: { 'x-forwarded-for': forwardedFor },
          });
          sockets.push(socket);
          socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
          socket.on('message', (data) => {
            if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') {
              resolve('acknowledged');
            }
          });
          socket.on('close', (closeCode) => resolve(closeCode));
        });
      try {
        expect(await open('198.51.100.4')).toBe('acknowledged');
        expect(await open('198.51.100.5')).toBe(4029);
      } finally {
        for (const socket of sockets) socket.terminate();
      }
    } finally {
      await app.stop();
    }
  });

  it('trusted by hop count: the address the proxy added counts, not what the client wrote', async () => {
    const app = await startTestApp(`${__filename}-trusted`, {
      RATE_SIGNUP_PER_IP: '2',
      HTTP_TRUSTED_PROXIES: '1',
    });
    try {
      // The client forges the left entries; the proxy appends the address it saw.
      dataOf(await signUpFrom(app, '10.0.0.1, 203.0.113.50'));
      dataOf(await signUpFrom(app, '10.0.0.2, 203.0.113.50'));
      expect(errorCode(await signUpFrom(app, '10.0.0.3, 203.0.113.50'))).toBe('RATE_LIMITED');
      // Another client behind the same proxy has its own bucket.
      dataOf(await signUpFrom(app, '10.0.0.1, 203.0.113.51'));
    } finally {
      await app.stop();
    }
  });
});
