/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { PurchaseDocument } from '../graphql/generated';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMembers, createProduct, waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { launchBrowser, type Browser } from './helpers/browser';
import { buildWeb, originOf, screenshot } from './helpers/web';

interface Shown {
  state: string;
  remaining: string | null;
}

/** Opens the widget's demo page for a product and records every state it shows. */
async function openWidget(browser: Browser, origin: string, productId: number): Promise<Page> {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { shown: Shown[] };
    w.shown = [];
    document.addEventListener('rocket-stock-change', (e) => {
      const el = e.target as HTMLElement;
      if (el.id === 'light') {
        w.shown.push({ state: el.getAttribute('state')!, remaining: el.getAttribute('remaining') });
      }
    });
  });
  await page.goto(`${origin}/widget/?product=${productId}`);
  return page;
}

const shownOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { shown: Shown[] }).shown);

async function waitForWidget(page: Page, state: string, remaining?: number, timeout = 15_000) {
  const selector = `rocket-stock#light[state="${state}"]${remaining === undefined ? '' : `[remaining="${remaining}"]`}`;
  try {
    await page.waitForSelector(selector, { timeout, state: 'attached' });
  } catch (err) {
    const el = page.locator('rocket-stock#light');
    const html = await el.evaluate(
      (e) => `${e.outerHTML} ${e.shadowRoot?.innerHTML.replace(/<style>.*<\/style>/s, '')}`,
    );
    throw new Error(`${(err as Error).message}\nwidget: ${html}`);
  }
}

async function buyOne(url: string, productId: number, token: string) {
  const res = await gqlRequest(
    url,
    PurchaseDocument,
    { input: { productId: String(productId), quantity: 1, idempotencyKey: randomUUID() } },
    token,
  );
  return dataOf(res).purchase.__typename;
}

describe('<rocket-stock> in a real browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp(__filename, { STOCK_FRAME_MS: '50' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('counts down live while units are bought over HTTP and ends on SOLD_OUT', async () => {
    const stock = 4;
    const productId = await createProduct(t.app, { stock });
    const buyers = await createMembers(t.app, stock + 1);
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'LIVE', stock);
    // The page listens before the first unit goes.
    await waitForSubscribers(t.app, `STOCK_CHANGED:${productId}`);
    await screenshot(page, 'widget-live', 'rocket-stock#light');

    for (let left = stock - 1; left >= 1; left--) {
      expect(await buyOne(t.url, productId, buyers[left]!.token)).toBe('Reservation');
      await waitForWidget(page, 'LIVE', left);
    }
    expect(await buyOne(t.url, productId, buyers[0]!.token)).toBe('Reservation');
    await waitForWidget(page, 'SOLD_OUT');
    expect(await buyOne(t.url, productId, buyers[stock]!.token)).toBe('SoldOutError');
    await screenshot(page, 'widget-sold-out', 'rocket-stock#light');

    const counts = (await shownOf(page))
      .filter((s) => s.state === 'LIVE')
      .map((s) => Number(s.remaining));
    expect(counts).toEqual([4, 3, 2, 1]);
    expect((await shownOf(page)).at(-1)).toEqual({ state: 'SOLD_OUT', remaining: '0' });
    // Screen readers hear thresholds, not every frame.
    const announced = await page.locator('rocket-stock#light [role=status]').textContent();
    expect(announced).toBe('Sold out');
    await page.close();
  });

  it('counts down to the start on the server clock and turns LIVE without a reload', async () => {
    const startsAt = new Date(Date.now() + 4000);
    const productId = await createProduct(t.app, { stock: 7, saleStartsAt: startsAt });
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'UPCOMING', 7);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const countdown = await page.locator('rocket-stock#light [part=value]').textContent();
    expect(countdown).toMatch(/^00:0[1-4]$/);
    await screenshot(page, 'widget-upcoming', 'rocket-stock#light');

    await waitForWidget(page, 'LIVE', 7, 10_000);
    const turnedAt = Date.now();
    expect(turnedAt).toBeGreaterThanOrEqual(startsAt.getTime() - 250);
    expect(turnedAt).toBeLessThan(startsAt.getTime() + 1500);
    // The same document: it was never reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // And the server agrees the sale is open.
    const [buyer] = await createMembers(t.app, 1);
    expect(await buyOne(t.url, productId, buyer!.token)).toBe('Reservation');
    await waitForWidget(page, 'LIVE', 6);
    await page.close();
  });

  it('recovers after the API restarts: reconnects, refetches and shows the new count', async () => {
    const productId = await createProduct(t.app, { stock: 3 });
    const buyers = await createMembers(t.app, 2);
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'LIVE', 3);

    const port = Number(new URL(t.url).port);
    await t.stop();
    // Units go while the API is down for this widget (another instance could sell them).
    let second: App | undefined;
    try {
      second = await createApp(t.config);
      await second.start(port);
      const url = t.url;
      expect(await buyOne(url, productId, buyers[0]!.token)).toBe('Reservation');
      await waitForWidget(page, 'LIVE', 2, 30_000);
      expect(await buyOne(url, productId, buyers[1]!.token)).toBe('Reservation');
      await waitForWidget(page, 'LIVE', 1);
    } finally {
      // The suite's afterAll stops `t`; this instance is the one listening now.
      t = { ...t, stop: () => second?.stop() ?? Promise.resolve() };
    }
    await page.close();
  });
});
