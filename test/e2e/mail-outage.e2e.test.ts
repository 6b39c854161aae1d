import { LoginDocument, SignUpDocument, VerifyEmailDocument } from '../graphql/generated';
import { dataOf } from '../helpers/gql-client';
import { CapturingSmtp, tokenFromMail } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { MailOutbox, MailStatus } from '../../src/entities/mail-outbox.entity';
import { User } from '../../src/entities/user.entity';

const smtp = new CapturingSmtp();
let t: TestApp;
let port: number;

beforeAll(async () => {
  // Take a free port for the mail server, then leave nothing listening on it: SMTP is down.
  port = await smtp.start();
  await smtp.stop();
  t = await startTestApp(__filename, { SMTP_PORT: String(port) });
});

afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

it('SMTP down at sign-up: the account exists, and the mail arrives once SMTP is back', async () => {
  const email = `outage.${Date.now()}@example.com`;
  const res = dataOf(
    await t.gql(SignUpDocument, { input: { email, password: 'long enough pw', name: 'O' } }),
  );
  expect(res.signUp.accepted).toBe(true);

  const em = t.app.orm.em.fork();
  expect(await em.count(User, { email })).toBe(1);
  // The worker tried, failed, and keeps the mail for a later attempt.
  const failing = await waitFor(
    async () => {
      const row = await em.fork().findOne(MailOutbox, { toAddress: email });
      return row && row.attempts >= 2 && row.lastError ? row : undefined;
    },
    { what: 'failed delivery attempts' },
  );
  expect(failing.status).toBe(MailStatus.PENDING);

  await smtp.start(port);
  const mail = await smtp.waitForMail(email, /verify/i, 15_000);
  const row = await waitFor(async () => {
    const r = await em.fork().findOne(MailOutbox, { toAddress: email });
    return r?.status === MailStatus.SENT ? r : undefined;
  });
  expect(row.sentAt).toBeInstanceOf(Date);
  expect(smtp.count(email, /verify/i)).toBe(1);

  // The delayed link still works.
  dataOf(
    await t.gql(VerifyEmailDocument, { input: { token: tokenFromMail(mail, '/verify-email') } }),
  );
  dataOf(await t.gql(LoginDocument, { input: { email, password: 'long enough pw' } }));
});
