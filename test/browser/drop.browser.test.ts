/// <reference lib="dom" />
// The drop page in Chromium: joining a room (proof of work in a Web Worker), the place in line,
// every unit in carts, the turn to buy, sold out, and a RAFFLE room's entry, result and draw.
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/entities/user.entity';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMember, createMembers, type Member } from '../helpers/members';
import { joinRoom } from '../helpers/room';
import { createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { withStrictCsp } from './helpers/csp';
import { signInAs } from './helpers/session';
import { buildWeb, originOf, screenshot } from './helpers/web';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the drop page in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let shop: string;
  let admin: Member;
  const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
    dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));

  /** A product with a room (through the admin API). */
  async function roomProduct(stock: number, room: Any, window: Any = {}): Promise<number> {
    const productId = await createProduct(t.app, { stock, ...window });
    await gql(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`,
      { input: { productId: String(productId), waitingRoom: room } },
      admin.token,
    );
    return productId;
  }
  const buy = (productId: number, m: Member) =>
    gql(
      `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename ... on Reservation { id } } }`,
      { input: { productId: String(productId), quantity: 1, idempotencyKey: randomUUID() } },
      m.token,
    ).then((d) => d.purchase);
  const ticketOf = (productId: number, m: Member) =>
    gql(
      `query($p: ID!) { myWaitingRoomTicket(productId: $p) { ticket admitted } }`,
      { p: String(productId) },
      m.token,
    ).then((d) => d.myWaitingRoomTicket);

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp(__filename, {
      STOCK_FRAME_MS: '50',
      PAYMENT_LATENCY_MS: '0',
      PAYMENT_DECLINE_RATE: '0',
      ROOM_TICK_MS: '200',
      ROOM_POW_BASE_COST: '5000',
      // One admission per free unit, so the test knows who is admitted.
      ROOM_F_MAX: '1',
    });
    shop = `${originOf(t.url)}/shop/`;
    admin = await createMember(t.app, Role.ADMIN);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('joins behind a proof of work, shows the place live, explains carts, then the turn to buy', async () => {
    const productId = await roomProduct(1, { admissionSeconds: 120 });
    const [first, second, third, me] = await createMembers(t.app, 4);
    // One unit: the first member is admitted, the next two wait.
    expect((await joinRoom(t.url, productId, first!)).ticket).toBe(1);
    await waitFor(async () => (await ticketOf(productId, first!)).admitted, { what: 'admitted' });
    await joinRoom(t.url, productId, second!);
    await joinRoom(t.url, productId, third!);

    const page = await browser.context.newPage();
    await signInAs(page, shop, me!, `#/product/${productId}`);
    await page.getByRole('link', { name: 'take your place in line' }).click();
    await page.getByRole('heading', { name: /: the drop$/ }).waitFor();
    await expectAccessible(page, 'drop page, before joining');
    // "Joining…" may show for only a few ms (the test's challenge is cheap): an observer sees it.
    await page.evaluate(() => {
      const seen = new MutationObserver(() => {
        if (document.querySelector('main')!.textContent!.includes('Joining…')) {
          document.body.dataset.sawJoining = 'yes';
          seen.disconnect();
        }
      });
      seen.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const worker = page.waitForEvent('worker');
    await page.getByRole('button', { name: 'Join the line' }).click();
    expect((await worker).url()).toBe(`${shop}pow-worker.js`);
    await page.getByText('Ticket #4').waitFor();
    expect(await page.locator('body').getAttribute('data-saw-joining')).toBe('yes');
    await page.getByText('Place in line: 3').waitFor();
    await page.locator('rocket-stock[queue-state=WAITING]').waitFor();
    expect(await ticketOf(productId, me!)).toEqual({ ticket: 4, admitted: false });
    await expectAccessible(page, 'drop page, in line');
    await screenshot(page, 'drop-queue');

    // The admitted member takes the last unit: every unit is in a cart, and ticket 4 is past
    // what those units could reach.
    expect((await buy(productId, first!)).__typename).toBe('Reservation');
    await page.getByText(/Every unit left is in someone’s cart right now/).waitFor();
    await page.getByText(/Your ticket #4 is after #\d+.*unlikely to be served/).waitFor();
    await expectAccessible(page, 'drop page, all in carts');
    await screenshot(page, 'drop-all-in-carts');

    // A restock admits the line, this member included: the turn, then a purchase.
    await gql(
      `mutation($input: RestockProductInput!) { restockProduct(input: $input) { product { id } } }`,
      { input: { productId: String(productId), quantity: 5 } },
      admin.token,
    );
    await page.getByText(/Your turn — buy within [12]:\d\d/).waitFor();
    await page.locator('rocket-stock[queue-state=ADMITTED]').waitFor();
    await expectAccessible(page, 'drop page, your turn');
    await screenshot(page, 'drop-turn');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.getByRole('button', { name: /^Pay/ }).waitFor();
    await page.close();
  });

  it('solves the proof of work in its worker file under a strict CSP', async () => {
    const productId = await roomProduct(5, {});
    const [me] = await createMembers(t.app, 1);
    const page = await browser.context.newPage();
    // Under the route that adds the policy Chromium opens no websocket: the join is over HTTP.
    const refused = await withStrictCsp(page);
    await signInAs(page, shop, me!, `#/drop/${productId}`);
    const worker = page.waitForEvent('worker');
    await page.getByRole('button', { name: 'Join the line' }).click();
    expect((await worker).url()).toBe(`${shop}pow-worker.js`);
    await page.getByText('Ticket #1').waitFor();
    expect((await ticketOf(productId, me!)).ticket).toBe(1);
    expect(refused()).toEqual([]);
    await page.close();
  });

  it('says in plain words that a sold-out drop serves nobody else', async () => {
    const productId = await roomProduct(1, {});
    const [buyer, late] = await createMembers(t.app, 2);
    await joinRoom(t.url, productId, buyer!);
    await waitFor(async () => (await ticketOf(productId, buyer!)).admitted, { what: 'admitted' });
    const reservation = await buy(productId, buyer!);
    await gql(
      `mutation($input: PayInput!) { pay(input: $input) { __typename } }`,
      { input: { reservationId: reservation.id } },
      buyer!.token,
    );
    const page = await browser.context.newPage();
    await signInAs(page, shop, late!, `#/drop/${productId}`);
    await page.getByText('Sold out: every unit has been bought.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Join the line' }).count()).toBe(0);
    await expectAccessible(page, 'drop page, sold out');
    await page.close();
  });

  it('a RAFFLE drop shows the entry, then the draw’s result and how to check the draw', async () => {
    const startsAt = new Date(Date.now() + 10_000);
    const productId = await roomProduct(
      3,
      { mode: 'RAFFLE', preQueueOpensAt: new Date(Date.now() - 60_000).toISOString() },
      { saleStartsAt: startsAt },
    );
    const others = await createMembers(t.app, 2);
    for (const m of others) await joinRoom(t.url, productId, m);
    const [me] = await createMembers(t.app, 1);
    const page = await browser.context.newPage();
    await signInAs(page, shop, me!, `#/drop/${productId}`);
    await page.getByText(/Entries are open until the sale starts/).waitFor();
    await page.getByRole('button', { name: 'Enter the draw' }).click();
    await page.getByText(/You are in the draw: entry [0-9a-f]{12}…/).waitFor();
    await page.getByText('3 entries so far.', { exact: false }).waitFor();
    await expectAccessible(page, 'drop page, RAFFLE entry');
    await screenshot(page, 'drop-raffle-entry');

    // At the sale start the draw orders the three entries and the page shows this one's ticket.
    await page.getByText(/The draw gave your entry ticket #[123]/).waitFor({ timeout: 20_000 });
    await expectAccessible(page, 'drop page, RAFFLE result');
    await screenshot(page, 'drop-raffle-result');
    await page.getByRole('link', { name: 'Check the draw' }).first().click();
    await page.getByRole('heading', { name: 'Check the draw' }).waitFor();
    await page.getByText(`npm run verify:draw -- ${productId}`, { exact: false }).waitFor();
    await expectAccessible(page, 'draw page');
    await page.close();
  });
});
