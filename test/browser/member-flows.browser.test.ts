/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import { MeDocument } from '../graphql/generated';
import { errorCode } from '../helpers/gql-client';
import { createMember } from '../helpers/members';
import { createProduct, paidOrder } from '../helpers/sale-fixtures';
import { CapturingSmtp, tokenFromMail } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { withStrictCsp } from './helpers/csp';
import { signInAs } from './helpers/session';
import { buildWeb, originOf, screenshot } from './helpers/web';

describe('member flows in a real browser', () => {
  let t: TestApp;
  let smtp: CapturingSmtp;
  let browser: Browser;
  let shop: string;

  beforeAll(async () => {
    buildWeb();
    smtp = new CapturingSmtp();
    const smtpPort = await smtp.start();
    t = await startTestApp(__filename, {
      SMTP_PORT: String(smtpPort),
      STOCK_FRAME_MS: '50',
      PAYMENT_LATENCY_MS: '0',
      PAYMENT_DECLINE_RATE: '0',
      // Orders ship and arrive within seconds, so a return can be asked for and completed.
      ORDER_SHIPPING_AFTER_SECONDS: '1',
      ORDER_DELIVERED_AFTER_SECONDS: '1',
      ORDER_RETURN_WINDOW_SECONDS: '3600',
      ORDER_RETURN_COMPLETES_AFTER_SECONDS: '1',
      ORDER_SCHEDULER_INTERVAL_MS: '200',
      PAYMENT_REFUND_INTERVAL_MS: '200',
      OUTBOX_POLL_INTERVAL_MS: '200',
    });
    shop = `${originOf(t.url)}/shop/`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await smtp?.stop();
  });

  it("resets a forgotten password from the mail's link, then signs in with it and out again (the session ends on the server)", async () => {
    const member = await createMember(t.app);
    const page = await browser.context.newPage();
    const refused = await withStrictCsp(page);
    await page.goto(`${shop}#/signin`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(member.email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await page
      .getByText(`If ${member.email} has an account, a reset link is on its way.`)
      .waitFor();
    await expectAccessible(page, 'forgot-password page');

    // The mail's link opens a form; opening it changes nothing.
    const link = tokenFromMail(await smtp.waitForMail(member.email, /reset/i), '/reset-password');
    await page.goto(`${originOf(t.url)}/reset-password?token=${encodeURIComponent(link)}`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await expectAccessible(page, 'reset-password page');
    await screenshot(page, 'reset-password');
    await page.getByLabel('New password').fill('a new password 1');
    await page.getByLabel('The same again').fill('a new password 2');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('alert').getByText('The two passwords differ.').waitFor();
    await expectAccessible(page, 'reset-password page with an error');
    await page.getByLabel('New password').fill('a new password 1');
    await page.getByLabel('The same again').fill('a new password 1');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await expectAccessible(page, 'password changed page');
    await screenshot(page, 'password-changed');
    // A reset ends every session, the one made for the test too.
    expect(errorCode(await t.gql(MeDocument, {}, member.token))).toBe('UNAUTHENTICATED');
    // The link works once.
    await page.goto(`${originOf(t.url)}/reset-password?token=${encodeURIComponent(link)}`);
    await page.getByLabel('New password').fill('another password');
    await page.getByLabel('The same again').fill('another password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('alert').getByText('This link is invalid or has expired').waitFor();

    // Sign in with the new password, then out: the token the page held stops working at once.
    await page.goto(`${shop}#/signin`);
    await page.getByLabel('Email').fill(member.email);
    await page.getByLabel('Password').fill('a new password 1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('rocket-mart.session')!).accessToken as string,
    );
    expect(errorCode(await t.gql(MeDocument, {}, token))).toBeUndefined();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('link', { name: 'Sign up' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('rocket-mart.session'))).toBeNull();
    expect(errorCode(await t.gql(MeDocument, {}, token))).toBe('UNAUTHENTICATED');
    await expectAccessible(page, 'signed out');
    await screenshot(page, 'signed-out');
    expect(refused()).toEqual([]);
    await page.close();
  });

  it('says so when the sale has ended', async () => {
    const member = await createMember(t.app);
    const productId = await createProduct(t.app, {
      stock: 5,
      saleStartsAt: new Date(Date.now() - 7_200_000),
      saleEndsAt: new Date(Date.now() - 60_000),
    });
    const page = await browser.context.newPage();
    await signInAs(page, shop, member, `#/product/${productId}`);
    await page.waitForSelector('rocket-stock[state=ENDED]', { state: 'attached' });
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page
      .getByRole('alert')
      .getByText(/^The sale has ended \(.+\)\. Nothing was reserved\.$/)
      .waitFor();
    await expectAccessible(page, 'product page, sale ended');
    await screenshot(page, 'sale-ended');
    await page.close();
  });

  it('says a declined payment charged nothing and gave the units back', async () => {
    const member = await createMember(t.app);
    const productId = await createProduct(t.app, { stock: 4, price: 1250 });
    const page = await browser.context.newPage();
    await signInAs(page, shop, member, `#/product/${productId}`);
    await page.waitForSelector('rocket-stock[state=LIVE][remaining="4"]', { state: 'attached' });
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('Reserved for you.').waitFor();
    await page.waitForSelector('rocket-stock[state=LIVE][remaining="3"]', { state: 'attached' });
    t.app.services.paymentProvider.options.declineRate = 1;
    try {
      await page.getByRole('button', { name: 'Pay €12.50' }).click();
      await page
        .getByRole('alert')
        .getByText(/^Payment declined: .+\. Nothing was charged/)
        .waitFor();
    } finally {
      t.app.services.paymentProvider.options.declineRate = 0;
    }
    expect(await page.getByRole('button', { name: 'Pay €12.50' }).count()).toBe(0);
    expect(await page.getByText('Reserved for you.').count()).toBe(0);
    await page.waitForSelector('rocket-stock[state=LIVE][remaining="4"]', { state: 'attached' });
    await expectAccessible(page, 'product page, payment declined');
    await screenshot(page, 'payment-declined');
    await page.close();
  });

  it('returns a delivered order and shows its refund until the money is back', async () => {
    const member = await createMember(t.app);
    const productId = await createProduct(t.app, { stock: 3, price: 4000 });
    const { orderId } = await paidOrder(t, member, productId);
    const page = await browser.context.newPage();
    await signInAs(page, shop, member, '#/orders');
    const row = page.locator(`li[data-order-id="${orderId}"]`);
    // PLACED → SHIPPING → DELIVERED by the scheduler, shown live; then the return is offered.
    await page.locator(`li[data-order-id="${orderId}"][data-status=DELIVERED]`).waitFor();
    await row.getByRole('button', { name: 'Request return' }).click();
    await page.locator(`li[data-order-id="${orderId}"][data-status=RETURN_REQUESTED]`).waitFor();
    await page
      .locator(`li[data-order-id="${orderId}"][data-status=RETURNED][data-payment=REFUNDED]`)
      .waitFor({ timeout: 30_000 });
    await row.getByText(/^Refunded €40\.00 on .+/).waitFor();
    await expectAccessible(page, 'my orders, returned and refunded');
    await screenshot(page, 'order-refunded');
    await page.close();
  });
});
