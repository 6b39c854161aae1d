import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { MailOutbox, MailStatus } from '../../src/entities/mail-outbox.entity';
import { Role } from '../../src/entities/user.entity';
import { dataOf, errorCode, subscribe } from '../helpers/gql-client';
import { createMember, createMembers, type Member } from '../helpers/members';
import { createProduct } from '../helpers/sale-fixtures';
import { CapturingSmtp } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import {
  CancelNotifyMeDocument,
  DropLifecycleDocument,
  MyNotificationsDocument,
  NotifyMeDocument,
  PurchaseDocument,
  RestockProductDocument,
} from '../graphql/generated';

const smtp = new CapturingSmtp();
let t: TestApp;
let admin: Member;
const RATE = 5;

beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp(__filename, {
    SMTP_PORT: String(port),
    NOTIFY_RATE_PER_SECOND: String(RATE),
    NOTIFY_RESTOCK_MULTIPLE: '2',
    NOTIFY_SALE_LEAD_SECONDS: '0',
    NOTIFY_POLL_INTERVAL_MS: '100',
    PAYMENT_LATENCY_MS: '0',
  });
  admin = await createMember(t.app, Role.ADMIN);
});
afterAll(async () => {
  await t?.stop();
  await smtp.stop();
});

const ask = (m: Member, productId: number, events: ('SALE_START' | 'RESTOCK')[]) =>
  t.gql(NotifyMeDocument, { input: { productId: String(productId), events } }, m.token);
const restock = (productId: number, quantity: number) =>
  t.gql(RestockProductDocument, { input: { productId: String(productId), quantity } }, admin.token);
const buy = (m: Member, productId: number, quantity: number) =>
  t.gql(
    PurchaseDocument,
    { input: { idempotencyKey: randomUUID(), productId: String(productId), quantity } },
    m.token,
  );
const mailsAbout = (productId: number) =>
  smtp.mails.filter((m) => (m.text ?? '').includes(`/shop/#/drop/${productId}`));
/** The address of a mail's List-Unsubscribe header (mailparser folds List-* headers into objects). */
const unsubscribeUrl = (mail: ParsedMail) => {
  const line = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  return /<(.+)>/.exec(line)![1]!;
};
const unsubscribePost = (mail: ParsedMail) =>
  mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line;

describe('notify me', () => {
  it('a member asks, lists and cancels; strangers and bad input are refused', async () => {
    const [alice] = await createMembers(t.app, 1);
    const productId = await createProduct(t.app, { stock: 3 });
    const asked = dataOf(await ask(alice!, productId, ['SALE_START', 'RESTOCK'])).notifyMe;
    expect(asked.events).toEqual(['SALE_START', 'RESTOCK']);
    // Asking again replaces the events, never duplicates the request.
    expect(dataOf(await ask(alice!, productId, ['RESTOCK'])).notifyMe.events).toEqual(['RESTOCK']);
    const list = dataOf(await t.gql(MyNotificationsDocument, {}, alice!.token)).myNotifications;
    expect(list.map((n) => n.product.id)).toEqual([String(productId)]);

    expect(errorCode(await ask({ ...alice!, token: '' }, productId, ['RESTOCK']))).toBe(
      'UNAUTHENTICATED',
    );
    expect(errorCode(await ask(alice!, 999_999, ['RESTOCK']))).toBe('NOT_FOUND');
    expect(errorCode(await ask(alice!, productId, []))).toBe('BAD_USER_INPUT');

    const cancel = () =>
      t.gql(CancelNotifyMeDocument, { input: { productId: String(productId) } }, alice!.token);
    expect(dataOf(await cancel()).cancelNotifyMe).toBe(true);
    expect(dataOf(await cancel()).cancelNotifyMe).toBe(false);
    expect(dataOf(await t.gql(MyNotificationsDocument, {}, alice!.token)).myNotifications).toEqual(
      [],
    );
  });

  it('the sale start mails those who asked, links into the drop, and the lifecycle says SALE_OPENED', async () => {
    const members = await createMembers(t.app, 4);
    const productId = await createProduct(t.app, {
      stock: 5,
      saleStartsAt: new Date(Date.now() + 1500),
    });
    for (const m of members.slice(0, 3)) dataOf(await ask(m, productId, ['SALE_START']));
    dataOf(await ask(members[3]!, productId, ['RESTOCK']));
    const client = t.ws();
    const sub = subscribe(client, DropLifecycleDocument, { productId: String(productId) });
    try {
      for (const m of members.slice(0, 3)) {
        const mail = await smtp.waitForMail(m.email, /drop is opening/);
        expect(mail.text).toContain(`http://shop.rocket-mart.test/shop/#/drop/${productId}`);
        expect(unsubscribeUrl(mail)).toMatch(
          /^http:\/\/shop\.rocket-mart\.test\/unsubscribe\?token=/,
        );
        expect(unsubscribePost(mail)).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      }
      const opened = await waitFor(
        () => sub.events.find((e) => e.data?.dropLifecycle.event === 'SALE_OPENED'),
        { what: 'SALE_OPENED frame' },
      );
      expect(opened.data!.dropLifecycle).toMatchObject({ saleState: 'LIVE', remaining: 5 });
      expect(sub.events[0]!.data!.dropLifecycle.event).toBeNull();
      // Sent once: the start is not announced again on later ticks.
      await new Promise((r) => setTimeout(r, 500));
      expect(mailsAbout(productId)).toHaveLength(3);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  it('a restock mails at most a multiple of the units restocked, least recently told first', async () => {
    const members = await createMembers(t.app, 6);
    const productId = await createProduct(t.app, { stock: 1 });
    for (const m of members) dataOf(await ask(m, productId, ['RESTOCK']));
    const client = t.ws();
    const sub = subscribe(client, DropLifecycleDocument, { productId: String(productId) });
    try {
      await waitFor(() => sub.events.length > 0, { what: 'the first frame' });
      expect(dataOf(await buy(members[0]!, productId, 1)).purchase.__typename).toBe('Reservation');
      await waitFor(() => sub.events.find((e) => e.data?.dropLifecycle.event === 'SOLD_OUT'), {
        what: 'SOLD_OUT frame',
      });

      dataOf(await restock(productId, 1));
      await waitFor(() => mailsAbout(productId).length === 2, { what: 'two restock mails' });
      await waitFor(() => sub.events.find((e) => e.data?.dropLifecycle.event === 'RESTOCKED'), {
        what: 'RESTOCKED frame',
      });
      dataOf(await restock(productId, 1));
      await waitFor(() => mailsAbout(productId).length === 4, { what: 'two more restock mails' });
      await new Promise((r) => setTimeout(r, 600));
      const told = mailsAbout(productId).map((m) => (m.to as { text: string }).text);
      expect(told).toHaveLength(4);
      // Four different members: the second restock went to those not told by the first.
      expect(new Set(told).size).toBe(4);
    } finally {
      sub.dispose();
      await client.dispose();
    }
  });

  it('pending notices expire when the drop sells out, and sends are paced', async () => {
    const members = await createMembers(t.app, 10);
    const productId = await createProduct(t.app, { stock: 0 });
    for (const m of members) dataOf(await ask(m, productId, ['RESTOCK']));
    const buyer = (await createMembers(t.app, 1))[0]!;
    // 5 units: 10 notices, one per 1/RATE s, so most are still pending when the units are gone.
    dataOf(await restock(productId, 5));
    await waitFor(() => mailsAbout(productId).length >= 1, { what: 'the first notice' });
    expect(dataOf(await buy(buyer, productId, 5)).purchase.__typename).toBe('Reservation');
    const rows = () =>
      t.app.orm.em
        .fork()
        .find(MailOutbox, { topic: `notify:${productId}` }, { orderBy: { id: 'asc' } });
    await waitFor(async () => (await rows()).every((r) => r.status !== MailStatus.PENDING), {
      what: 'no pending notice',
    });
    const all = await rows();
    expect(all).toHaveLength(10);
    const sent = all.filter((r) => r.status === MailStatus.SENT);
    expect(all.filter((r) => r.status === MailStatus.EXPIRED).length).toBeGreaterThan(0);
    expect(mailsAbout(productId)).toHaveLength(sent.length);
    // Each notice was due 1/RATE s after the one before it (expired ones keep their due time)...
    // (one in flight when the units ran out carries its claim's lease instead: left out)
    const expired = all.filter(
      (r) =>
        r.status === MailStatus.EXPIRED &&
        r.nextAttemptAt.getTime() - r.createdAt.getTime() < 30_000,
    );
    expect(expired.length).toBeGreaterThan(3);
    for (let i = 1; i < expired.length; i++) {
      const gap = expired[i]!.nextAttemptAt.getTime() - expired[i - 1]!.nextAttemptAt.getTime();
      expect(Math.abs(gap - 1000 / RATE)).toBeLessThan(5);
    }
    // ...and went out no faster.
    if (sent.length > 1) {
      const span = sent.at(-1)!.sentAt!.getTime() - sent[0]!.sentAt!.getTime();
      expect(span).toBeGreaterThanOrEqual(((sent.length - 1) * 1000) / RATE - 150);
    }
  });

  it('pending notices expire when the sale ends', async () => {
    const members = await createMembers(t.app, 20);
    const productId = await createProduct(t.app, {
      stock: 0,
      saleEndsAt: new Date(Date.now() + 2000),
    });
    for (const m of members) dataOf(await ask(m, productId, ['RESTOCK']));
    // 20 notices one per 1/RATE s (4 s): the sale is over before half of them are due.
    dataOf(await restock(productId, 10));
    const rows = () => t.app.orm.em.fork().find(MailOutbox, { topic: `notify:${productId}` });
    await waitFor(async () => (await rows()).every((r) => r.status !== MailStatus.PENDING), {
      what: 'no pending notice',
    });
    const all = await rows();
    expect(all).toHaveLength(20);
    expect(all.filter((r) => r.status === MailStatus.EXPIRED).length).toBeGreaterThan(3);
    expect(mailsAbout(productId)).toHaveLength(
      all.filter((r) => r.status === MailStatus.SENT).length,
    );
  });

  it('the unsubscribe link shows a button on GET and unsubscribes on a one-click POST', async () => {
    const [bob] = await createMembers(t.app, 1);
    const productId = await createProduct(t.app, { stock: 0 });
    dataOf(await ask(bob!, productId, ['RESTOCK']));
    dataOf(await restock(productId, 1));
    const mail = await smtp.waitForMail(bob!.email, /back in stock/);
    const url = unsubscribeUrl(mail).replace(
      'http://shop.rocket-mart.test',
      t.url.replace('/graphql', ''),
    );
    const list = async () =>
      dataOf(await t.gql(MyNotificationsDocument, {}, bob!.token)).myNotifications;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('<button type="submit">Unsubscribe</button>');
    // A GET (a mail scanner following links) changes nothing.
    expect(await list()).toHaveLength(1);

    const post = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(await list()).toEqual([]);
    // Used again, or forged: nothing to unsubscribe.
    expect((await fetch(url)).status).toBe(404);
    const forged = url.replace(/token=\d+\./, 'token=1.');
    expect((await fetch(forged, { method: 'POST' })).status).toBe(400);
  });
});
