/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { PayDocument, PurchaseDocument } from '../graphql/generated';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMembers, createProduct, waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { buildWeb, originOf, screenshot } from './helpers/web';

interface Shown {
  state: string;
  remaining: string | null;
  /** What screen readers were last told (the polite live region). */
  announced: string | null;
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
        w.shown.push({
          state: el.getAttribute('state')!,
          remaining: el.getAttribute('remaining'),
          announced: el.shadowRoot!.querySelector('[role=status]')!.textContent,
        });
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

/** Reservations made by buyOne, with their buyer's token, to pay later. */
const held: { id: string; token: string }[] = [];

async function buyOne(url: string, productId: number, token: string) {
  const res = await gqlRequest(
    url,
    PurchaseDocument,
    { input: { productId: String(productId), quantity: 1, idempotencyKey: randomUUID() } },
    token,
  );
  const purchase = dataOf(res).purchase;
  if (purchase.__typename === 'Reservation') held.push({ id: purchase.id, token });
  return purchase.__typename;
}

describe('<rocket-stock> in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  // Another site that embeds the widget: http://localhost:<port> is allowed, 127.0.0.1 is not.
  let site: Server;
  let sitePort: number;

  beforeAll(async () => {
    buildWeb();
    site = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://site');
      res.setHeader('content-type', 'text/html');
      const api = url.searchParams.get('api') ?? '';
      if (url.searchParams.has('csp')) {
        // A strict site: no inline styles or scripts anywhere.
        res.setHeader(
          'content-security-policy',
          `default-src 'none'; script-src ${api}; connect-src ${api} ${api.replace('http', 'ws')}; style-src 'self'`,
        );
      }
      res.end(
        `<!doctype html><title>Blog</title><p>Our launch:</p>` +
          `<rocket-stock id="light" product-id="${url.searchParams.get('product')}"></rocket-stock>` +
          `<script src="${url.searchParams.get('api')}/widget/rocket-stock.js" defer></script>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;
    t = await startTestApp(__filename, {
      STOCK_FRAME_MS: '50',
      PAYMENT_LATENCY_MS: '0',
      PAYMENT_DECLINE_RATE: '0',
      CORS_ORIGINS: `https://blog.example,http://localhost:${sitePort}`,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('counts down live while units are bought over HTTP, all in carts, then SOLD_OUT once paid', async () => {
    const stock = 6;
    const productId = await createProduct(t.app, { stock });
    const buyers = await createMembers(t.app, stock + 1);
    held.length = 0;
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'LIVE', stock);
    // The page listens before the first unit goes.
    await waitForSubscribers(t.app, `STOCK_CHANGED:${productId}`);
    await screenshot(page, 'widget-live', 'rocket-stock#light');
    await expectAccessible(page, 'widget page, LIVE');

    for (let left = stock - 1; left >= 1; left--) {
      expect(await buyOne(t.url, productId, buyers[left]!.token)).toBe('Reservation');
      await waitForWidget(page, 'LIVE', left);
    }
    expect(await buyOne(t.url, productId, buyers[0]!.token)).toBe('Reservation');
    // Every unit is held in an unpaid cart: they may come back, so not sold out yet.
    await waitForWidget(page, 'ALL_IN_CARTS');
    expect(await buyOne(t.url, productId, buyers[stock]!.token)).toBe('SoldOutError');
    await expectAccessible(page, 'widget page, ALL_IN_CARTS');
    // Paid, none is held any more: sold out.
    for (const r of held) {
      const paid = await gqlRequest(
        t.url,
        PayDocument,
        { input: { reservationId: r.id } },
        r.token,
      );
      expect(dataOf(paid).pay.__typename).toBe('Payment');
    }
    await waitForWidget(page, 'SOLD_OUT');
    await screenshot(page, 'widget-sold-out', 'rocket-stock#light');
    await expectAccessible(page, 'widget page, SOLD_OUT');

    const counts = (await shownOf(page))
      .filter((s) => s.state === 'LIVE')
      .map((s) => Number(s.remaining));
    expect(counts).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await shownOf(page)).at(-1)).toMatchObject({ state: 'SOLD_OUT', remaining: '0' });
    // Screen readers hear the thresholds (… 5, 3, 2, 1) and the end, not every frame: 4 is skipped.
    const announced = (await shownOf(page))
      .map((s) => s.announced)
      .filter((text, i, all) => text && text !== all[i - 1]);
    expect(announced).toEqual([
      '6 left',
      '5 left',
      '3 left',
      '2 left',
      '1 left',
      'All in carts',
      'Sold out',
    ]);
    await page.close();
  });

  it('keeps still for people who prefer reduced motion', async () => {
    const productId = await createProduct(t.app, { stock: 3 });
    const [buyer] = await createMembers(t.app, 1);
    const page = await openWidget(browser, originOf(t.url), productId);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await waitForWidget(page, 'LIVE', 3);
    await waitForSubscribers(t.app, `STOCK_CHANGED:${productId}`);
    expect(await buyOne(t.url, productId, buyer!.token)).toBe('Reservation');
    await waitForWidget(page, 'LIVE', 2);
    const animation = () =>
      page
        .locator('rocket-stock#light [part=value]')
        .evaluate((el) => getComputedStyle(el).animationName);
    expect(await animation()).toBe('none');
    // The same change animates for everyone else.
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await animation()).toBe('bump');
    await page.close();
  });

  it('serves its script to other sites and answers CORS preflights of configured origins', async () => {
    const origin = originOf(t.url);
    const script = await fetch(`${origin}/widget/rocket-stock.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await script.text()).toContain('rocket-stock');

    const preflight = (from: string) =>
      fetch(t.url, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('https://blog.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://blog.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const refused = await preflight('https://elsewhere.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("works on another site's page whose origin CORS_ORIGINS allows, and only there", async () => {
    const productId = await createProduct(t.app, { stock: 9 });
    const api = originOf(t.url);
    const allowed = await browser.context.newPage();
    await allowed.goto(`http://localhost:${sitePort}/?product=${productId}&api=${api}`);
    await waitForWidget(allowed, 'LIVE', 9);

    const other = await browser.context.newPage();
    await other.goto(`http://127.0.0.1:${sitePort}/?product=${productId}&api=${api}`);
    await other.waitForTimeout(2000);
    expect(await other.locator('rocket-stock').getAttribute('state')).toBe('LOADING');
    await allowed.close();
    await other.close();
  });

  it('is styled on a site whose CSP forbids inline styles (a constructed style sheet)', async () => {
    const productId = await createProduct(t.app, { stock: 2 });
    const page = await browser.context.newPage();
    const refused: string[] = [];
    page.on('console', (m) => /Content Security Policy/.test(m.text()) && refused.push(m.text()));
    await page.goto(
      `http://localhost:${sitePort}/?product=${productId}&api=${originOf(t.url)}&csp`,
    );
    await waitForWidget(page, 'LIVE', 2);
    const background = await page
      .locator('rocket-stock#light [part=box]')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(220, 252, 231)');
    expect(refused).toEqual([]);
    // The policy is in force: an inline <style> of the page's own is refused.
    const inline = await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'p { color: rgb(1, 2, 3) }';
      document.head.append(style);
      return getComputedStyle(document.querySelector('p')!).color;
    });
    expect(inline).not.toBe('rgb(1, 2, 3)');
    await page.close();
  });

  it('shows a place in line and the turn to buy with the queue attribute, announcing sparingly', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'LIVE', 5);
    const widget = page.locator('rocket-stock#light');
    const show = (status: unknown) =>
      widget.evaluate(
        (el, s) => (el as unknown as { showQueue: (s: unknown) => void }).showQueue(s),
        status,
      );
    const line = page.locator('rocket-stock#light [part=queue]');
    const announced = page.locator('rocket-stock#light [role=status]');
    // Without the attribute the view stays hidden.
    await show({ place: 9, waitMinSeconds: 60, waitMaxSeconds: 60 });
    expect(await line.isHidden()).toBe(true);

    await widget.evaluate((el) => el.setAttribute('queue', ''));
    await show({ place: 42, waitMinSeconds: 60, waitMaxSeconds: 180 });
    expect(await widget.getAttribute('queue-state')).toBe('WAITING');
    expect(await line.textContent()).toBe('#42 in line · about 1–3 min');
    expect(await announced.textContent()).toBe('#42 in line · about 1–3 min');
    // The next place shows at once, but is not read out again within 30 s.
    await show({ place: 41, waitMinSeconds: 60, waitMaxSeconds: 120 });
    expect(await line.textContent()).toBe('#41 in line · about 1–2 min');
    expect(await announced.textContent()).toBe('#42 in line · about 1–3 min');
    await expectAccessible(page, 'widget page, queue view waiting');

    await show({ admittedUntil: new Date(Date.now() + 90_000).toISOString() });
    expect(await widget.getAttribute('queue-state')).toBe('ADMITTED');
    // On the server's clock, as the widget estimates it: within a second or two of ours.
    expect(await line.textContent()).toMatch(/^Your turn — buy within 01:(2[7-9]|3[0-3])$/);
    expect(await announced.textContent()).toBe('Your turn to buy');
    await expectAccessible(page, 'widget page, queue view admitted');
    await screenshot(page, 'widget-queue', 'rocket-stock#light');
    await show(null);
    expect(await line.isHidden()).toBe(true);
    expect(await widget.getAttribute('queue-state')).toBeNull();
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
    await expectAccessible(page, 'widget page, UPCOMING');

    await waitForWidget(page, 'LIVE', 7, 10_000);
    const turnedAt = Date.now();
    // Not before the start (within the clock estimate), and not a reconnect or a poll later.
    expect(turnedAt).toBeGreaterThanOrEqual(startsAt.getTime() - 250);
    expect(turnedAt).toBeLessThan(startsAt.getTime() + 2000);
    // The same document: it was never reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // And the server agrees the sale is open.
    const [buyer] = await createMembers(t.app, 1);
    expect(await buyOne(t.url, productId, buyer!.token)).toBe('Reservation');
    await waitForWidget(page, 'LIVE', 6);
    await page.close();
  });

  it('turns from LIVE to ENDED when the sale window closes', async () => {
    const productId = await createProduct(t.app, {
      stock: 5,
      saleStartsAt: new Date(Date.now() - 60_000),
      saleEndsAt: new Date(Date.now() + 2500),
    });
    const page = await openWidget(browser, originOf(t.url), productId);
    await waitForWidget(page, 'LIVE', 5);
    await waitForWidget(page, 'ENDED', undefined, 10_000);
    expect(await page.locator('rocket-stock#light [part=label]').textContent()).toBe('Sale ended');
    await expectAccessible(page, 'widget page, ENDED');
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
