/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/entities/user.entity';
import { OperatorSnapshotDocument, PurchaseDocument } from '../graphql/generated';
import { dataOf, errorCode } from '../helpers/gql-client';
import { createMember, createMembers } from '../helpers/members';
import { buyAndPay, createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { withStrictCsp } from './helpers/csp';
import { signInAs } from './helpers/session';
import { buildWeb, originOf, screenshot } from './helpers/web';

describe("the operator's live view in a real browser", () => {
  let t: TestApp;
  let browser: Browser;
  let shop: string;

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp(__filename, {
      STOCK_FRAME_MS: '50',
      PAYMENT_LATENCY_MS: '0',
      PAYMENT_DECLINE_RATE: '0',
    });
    shop = `${originOf(t.url)}/shop/`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('is for admins only, in the API and in the page', async () => {
    const member = await createMember(t.app);
    const productId = await createProduct(t.app, { stock: 1 });
    expect(
      errorCode(
        await t.gql(OperatorSnapshotDocument, { productId: String(productId) }, member.token),
      ),
    ).toBe('FORBIDDEN');
    const page = await browser.context.newPage();
    await signInAs(page, shop, member, '#/products');
    await page.getByRole('link', { name: 'My orders' }).waitFor();
    expect(await page.getByRole('link', { name: 'Operator' }).count()).toBe(0);
    await page.goto(`${shop}operator.html#${productId}`);
    await page.getByRole('alert').getByText('Operators only').waitFor();
    await expectAccessible(page, 'operator view, not an admin');
    await page.close();
  });

  it('charts a drop live from the admin query polled each second', async () => {
    const admin = await createMember(t.app, Role.ADMIN);
    const stock = 12;
    const productId = await createProduct(t.app, { stock, price: 1500, purchaseLimit: 1 });
    const buyers = await createMembers(t.app, stock);
    const page = await browser.context.newPage();
    const refused = await withStrictCsp(page);
    await page.setViewportSize({ width: 1000, height: 1500 });
    await signInAs(page, shop, admin, '#/products', 'ADMIN');
    await page.getByRole('link', { name: 'Operator' }).click();
    await page.getByLabel('Product id').fill(String(productId));
    await page.getByRole('button', { name: 'Watch' }).click();
    await page.getByRole('heading', { name: `Drop of product ${productId}` }).waitFor();
    await page.locator('main[data-polls]').waitFor();

    // A drop in small: purchases and pays spread over a few seconds, a refusal, units in carts.
    const buy = (token: string) =>
      t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 1, idempotencyKey: randomUUID() } },
        token,
      );
    for (let i = 0; i < 8; i++) {
      await buyAndPay(t, buyers[i]!, productId);
      if (i % 2 === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(dataOf(await buy(buyers[0]!.token)).purchase.__typename).toBe(
      'PurchaseLimitExceededError',
    );
    for (let i = 8; i < 10; i++) {
      expect(dataOf(await buy(buyers[i]!.token)).purchase.__typename).toBe('Reservation');
    }

    // The admin query itself: live units and this process's counts.
    const snap = dataOf(
      await t.gql(OperatorSnapshotDocument, { productId: String(productId) }, admin.token),
    ).operatorSnapshot;
    expect(snap).toMatchObject({
      remaining: 2,
      inCarts: 2,
      purchases: 11,
      pays: 8,
      paid: 8,
      queue: null,
    });
    expect(snap.refusals).toEqual([{ reason: 'PURCHASE_LIMIT_EXCEEDED', count: 1 }]);

    // The page shows the same within a poll or two, as text beside each chart.
    const units = page.locator('figure.chart', { hasText: 'Units' }).locator('.chart-now');
    await units.getByText(/remaining: 2 · in carts: 2 · paid, order not written: \d+/).waitFor();
    const refusals = page.locator('figure.chart', { hasText: 'Refusals' });
    await refusals
      .locator('.chart-now')
      .getByText(/PURCHASE_LIMIT_EXCEEDED: /)
      .waitFor();
    expect(await page.locator('figure.chart canvas').count()).toBe(5);
    await page.getByText('This drop has no waiting room.').waitFor();
    // Some more polls, so the charts show a line over time.
    const polls = Number(await page.locator('main').getAttribute('data-polls'));
    await page.waitForFunction(
      (n) => Number(document.querySelector('main')!.dataset.polls) >= n,
      polls + 3,
    );
    await page
      .locator('figure.chart', { hasText: 'Paid → order lag' })
      .locator('.chart-now')
      .getByText(/lag \(latest 50 orders\): \d/)
      .waitFor();
    await expectAccessible(page, 'operator view');
    await screenshot(page, 'operator');
    expect(refused()).toEqual([]);
    await page.close();
  });
});
