/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import { CapturingSmtp, tokenFromMail } from '../helpers/smtp';
import { createProduct, waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { buildWeb, originOf, screenshot } from './helpers/web';

describe('storefront in a real browser', () => {
  let t: TestApp;
  let smtp: CapturingSmtp;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    smtp = new CapturingSmtp();
    const smtpPort = await smtp.start();
    t = await startTestApp(__filename, { SMTP_PORT: String(smtpPort), STOCK_FRAME_MS: '50' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await smtp?.stop();
  });

  it('a shopper signs up, verifies, signs in, buys, pays, sees the order PLACED live and cancels it', async () => {
    const shop = `${originOf(t.url)}/shop/`;
    // The list also shows a sale still to come and a sold-out one.
    await createProduct(t.app, { stock: 0, price: 990 });
    await createProduct(t.app, { stock: 50, saleStartsAt: new Date(Date.now() + 90_000_000) });
    const productId = await createProduct(t.app, { stock: 3, price: 2500, purchaseLimit: 2 });
    const email = `shopper.${Date.now()}@example.com`;
    const page = await browser.context.newPage();

    // Sign up: the verification mail arrives; its link shows a button whose POST verifies.
    await page.goto(`${shop}#/signup`);
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await expectAccessible(page, 'sign-up page');
    await page.getByLabel('Name').fill('Sam Shopper');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText(`We mailed a verification link to ${email}`).waitFor();
    const mail = await smtp.waitForMail(email, /verify/i);
    await page.goto(
      `${originOf(t.url)}/verify-email?token=${tokenFromMail(mail, '/verify-email')}`,
    );
    await page.getByRole('button', { name: 'Confirm my email address' }).waitFor();
    await expectAccessible(page, 'verification page');
    await screenshot(page, 'verify-email');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.getByText('is verified').waitFor();
    await expectAccessible(page, 'verified page');

    // Sign in: wrong password first, shown by its meaning, then the right one.
    await page.goto(`${shop}#/signin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Invalid email or password').waitFor();
    await expectAccessible(page, 'sign-in page with an error');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const productLink = page.locator(`a[href="#/product/${productId}"]`);
    await productLink.waitFor();
    await page.waitForSelector(
      `rocket-stock[product-id="${productId}"][state=LIVE][remaining="3"]`,
      {
        state: 'attached',
      },
    );
    await expectAccessible(page, 'product list');
    await screenshot(page, 'shop-products');

    // My orders stays open in its own tab: the order must show up there live.
    const ordersTab = await browser.context.newPage();
    await ordersTab.goto(`${shop}#/orders`);
    await ordersTab.getByRole('heading', { name: 'My orders' }).waitFor();
    const userId = await ordersTab.evaluate(
      () => JSON.parse(localStorage.getItem('rocket-mart.session')!).user.id as string,
    );
    await waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${userId}`);
    await ordersTab.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    expect(await ordersTab.locator('li[data-order-id]').count()).toBe(0);

    // Buy more than the limit: refused with a clear message; then buy one and pay.
    await productLink.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('Limit reached: you may buy 2 more of this product.').waitFor();
    await page.getByLabel('Quantity').fill('1');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('Reserved for you.').waitFor();
    await page.waitForSelector(`rocket-stock[state=LIVE][remaining="2"]`, { state: 'attached' });
    await page.getByRole('button', { name: 'Pay €25.00' }).click();
    await page.getByText('Paid €25.00.').waitFor();
    await expectAccessible(page, 'product page, paid');
    await screenshot(page, 'shop-product');

    const order = ordersTab.locator('li[data-order-id]');
    await ordersTab.locator('li[data-status=PLACED]').waitFor({ timeout: 30_000 });
    expect(await order.count()).toBe(1);
    expect(await ordersTab.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
      1,
    );
    await expectAccessible(ordersTab, 'my orders');
    await screenshot(ordersTab, 'shop-orders');

    // Cancel from the button that nextStatuses offers; the unit goes back at once.
    await ordersTab.getByRole('button', { name: 'Cancel order' }).click();
    await ordersTab.locator('li[data-status=CANCELLED]').waitFor();
    expect(await ordersTab.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    await page.waitForSelector(`rocket-stock[state=LIVE][remaining="3"]`, { state: 'attached' });
  });

  it('shows a sale that has not started with its countdown (signed in as the shopper above)', async () => {
    const productId = await createProduct(t.app, {
      stock: 2,
      saleStartsAt: new Date(Date.now() + 3_600_000),
    });
    const page = await browser.context.newPage();
    await page.goto(`${originOf(t.url)}/shop/#/product/${productId}`);
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.getByText('The sale has not started yet. It starts in').waitFor();
    await expectAccessible(page, 'product page, sale not started');
    expect(await page.locator('.message .countdown').textContent()).toMatch(
      /^(00:59:\d\d|01:00:00)$/,
    );
  });

  it('tells a rate-limited shopper when to try again', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${originOf(t.url)}/shop/#/signin`);
    await page.getByLabel('Email').fill(`nobody.${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('not the password');
    const alert = page.getByRole('alert');
    // Five attempts per account and window (RATE_LOGIN_PER_ACCOUNT), then refused with a time.
    for (let i = 0; i < 5; i++) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The click waits for the button, which stays disabled until the answer is shown.
      await alert.getByText('Invalid email or password').waitFor();
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert.getByText(/^Too many attempts\. Try again in \d+ s \(at .+\)\.$/).waitFor();
    await page.close();
  });
});
