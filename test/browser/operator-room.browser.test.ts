/// <reference lib="dom" />
// The operator's view of a drop with a waiting room: the line's length and admissions charted
// from the room, and pause / resume with a reason that the people in line read.
import { Role } from '../../src/entities/user.entity';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMember, createMembers } from '../helpers/members';
import { joinRoom } from '../helpers/room';
import { createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { withStrictCsp } from './helpers/csp';
import { signInAs } from './helpers/session';
import { buildWeb, originOf, screenshot } from './helpers/web';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("the operator's view of a waiting room in a real browser", () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp(__filename, {
      ROOM_TICK_MS: '200',
      ROOM_POW_BASE_COST: '1000',
      ROOM_F_MAX: '1',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('charts the line and admissions, and pauses and resumes with a reason shown in line', async () => {
    const shop = `${originOf(t.url)}/shop/`;
    const admin = await createMember(t.app, Role.ADMIN);
    const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
      dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));
    const productId = await createProduct(t.app, { stock: 1 });
    await gql(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`,
      { input: { productId: String(productId), waitingRoom: {} } },
      admin.token,
    );
    // One unit: one member admitted, three waiting.
    const members = await createMembers(t.app, 4);
    for (const m of members) await joinRoom(t.url, productId, m);

    const page = await browser.context.newPage();
    const refused = await withStrictCsp(page);
    await page.setViewportSize({ width: 1000, height: 900 });
    await signInAs(page, shop, admin, '#/products', 'ADMIN');
    await page.goto(`${shop}operator.html#${productId}`);
    const room = page.locator('figure.chart', { hasText: 'Waiting room' });
    await room
      .locator('.chart-now')
      .getByText(/^waiting: 3 · admitted\/s: /)
      .waitFor();
    const status = page.getByRole('status').filter({ hasText: /Admitting|paused/ });
    await status.getByText('Admitting: 3 waiting, 1 admitted.').waitFor();
    // One member gives up their place: the line shortens on the chart within a poll.
    await page.waitForTimeout(2000);
    await gql(
      `mutation($p: ID!) { leaveWaitingRoom(productId: $p) }`,
      { p: String(productId) },
      members[1]!.token,
    );
    await room
      .locator('.chart-now')
      .getByText(/^waiting: 2 · /)
      .waitFor();
    await page.waitForTimeout(2000);

    // A reason of spaces is refused by the API and said so; a real one pauses the room.
    const reason = page.getByLabel('Reason shown to everyone in line');
    await reason.fill('   ');
    await page.getByRole('button', { name: 'Pause admissions' }).click();
    await page.getByRole('alert').getByText('Give the reason shown to people in line').waitFor();
    await reason.fill('The payment provider is slow; back in a few minutes');
    await page.getByRole('button', { name: 'Pause admissions' }).click();
    await page.getByText('Paused. Nobody is admitted or joins until you resume.').waitFor();
    await status
      .getByText(
        'Admissions paused: The payment provider is slow; back in a few minutes (2 waiting).',
      )
      .waitFor();
    const frame = await gql(
      `query($p: ID!) { waitingRoom(productId: $p) { state pausedReason } }`,
      {
        p: String(productId),
      },
    );
    expect(frame.waitingRoom).toEqual({
      state: 'PAUSED',
      pausedReason: 'The payment provider is slow; back in a few minutes',
    });
    await page.locator('main[data-polls]').waitFor();
    await expectAccessible(page, 'operator view, room paused');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'operator-room');

    // A member in line reads the reason on the drop page.
    expect(await page.getByRole('button', { name: 'Pause admissions' }).isVisible()).toBe(false);
    const member = await browser.context.newPage();
    await signInAs(member, shop, members[3]!, `#/drop/${productId}`);
    await member
      .getByText(/The line is paused by the shop: The payment provider is slow/)
      .waitFor();
    await member.getByText('Ticket #4').waitFor();
    await expectAccessible(member, 'drop page, paused');
    await member.close();

    // The pages share one profile: the admin signs in again (the view keeps the room's chart).
    await signInAs(page, shop, admin, `operator.html#${productId}`, 'ADMIN');

    await page.getByRole('button', { name: 'Resume admissions' }).click();
    await page.getByText('Resumed.').waitFor();
    await status.getByText(/^Admitting: \d+ waiting, \d+ admitted\.$/).waitFor();
    expect(refused()).toEqual([]);
    await page.close();
  });
});
