/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import type { Page } from 'playwright-core';
import { createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { launchBrowser, type Browser } from './helpers/browser';
import { buildWeb, originOf } from './helpers/web';

// The storefront and the widget under the API's Content-Security-Policy: they must work with
// it, and the browser must report no violation.
let t: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  buildWeb();
  t = await startTestApp(__filename);
  origin = originOf(t.url);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Opens a page and records every CSP violation it reports. */
async function open(path: string): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  const res = await page.goto(`${origin}${path}`);
  expect(res?.headers()['content-security-policy']).toMatch(/default-src 'self'/);
  return {
    page,
    violations: () =>
      page.evaluate(() => (window as unknown as { violations: string[] }).violations),
  };
}

it('the storefront lists products and goes live under the policy', async () => {
  const productId = await createProduct(t.app, { stock: 5 });
  const { page, violations } = await open('/shop/');
  // The list shows the product with its live stock: the app's script and its websocket ran.
  await page.waitForSelector(`rocket-stock[product-id="${productId}"][remaining="5"]`, {
    timeout: 15_000,
    state: 'attached',
  });
  expect(await violations()).toEqual([]);
});

it('the widget demo runs its inline script and shows live stock under the policy', async () => {
  const productId = await createProduct(t.app, { stock: 4 });
  const { page, violations } = await open(`/widget/?product=${productId}`);
  await page.waitForSelector('rocket-stock#light[remaining="4"]', {
    timeout: 15_000,
    state: 'attached',
  });
  // The inline script ran: it wrote the embed snippet.
  expect(await page.textContent('#snippet')).toContain('rocket-stock');
  expect(await violations()).toEqual([]);
});
