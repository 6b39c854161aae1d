/// <reference lib="dom" />
// Notify me in Chromium: asking on a product page, the member's list with cancel, and the
// unsubscribe page a captured notice mail links to (GET shows a button, its POST unsubscribes).
import type { ParsedMail } from 'mailparser';
import { Role } from '../../src/entities/user.entity';
import { MyNotificationsDocument, RestockProductDocument } from '../graphql/generated';
import { dataOf } from '../helpers/gql-client';
import { createMember, createMembers } from '../helpers/members';
import { createProduct } from '../helpers/sale-fixtures';
import { CapturingSmtp } from '../helpers/smtp';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { expectAccessible } from './helpers/axe';
import { launchBrowser, type Browser } from './helpers/browser';
import { withStrictCsp } from './helpers/csp';
import { signInAs } from './helpers/session';
import { buildWeb, originOf, screenshot } from './helpers/web';

/** The address of a mail's List-Unsubscribe header. */
const unsubscribeUrl = (mail: ParsedMail) =>
  /<(.+)>/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '')![1]!;

describe('notify me in a real browser', () => {
  let t: TestApp;
  let smtp: CapturingSmtp;
  let browser: Browser;

  beforeAll(async () => {
    buildWeb();
    smtp = new CapturingSmtp();
    const port = await smtp.start();
    t = await startTestApp(__filename, {
      SMTP_PORT: String(port),
      STOCK_FRAME_MS: '50',
      NOTIFY_POLL_INTERVAL_MS: '100',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await smtp?.stop();
  });

  it('a member asks to be told, lists and cancels, then unsubscribes from a mail', async () => {
    const shop = `${originOf(t.url)}/shop/`;
    const admin = await createMember(t.app, Role.ADMIN);
    const [member] = await createMembers(t.app, 1);
    const soldOut = await createProduct(t.app, { stock: 0, price: 4200 });
    const upcoming = await createProduct(t.app, {
      stock: 5,
      saleStartsAt: new Date(Date.now() + 86_400_000),
    });
    const page = await browser.context.newPage();

    // On a sold-out product's page: mail me when it is restocked.
    await signInAs(page, shop, member!, `#/product/${soldOut}`);
    const restockBox = page.getByLabel('when it is restocked');
    await restockBox.check();
    await page.getByRole('button', { name: 'Notify me' }).click();
    await page.getByText(`We will mail ${member!.email} then.`).waitFor();
    await page.getByRole('button', { name: 'Stop these notices' }).waitFor();
    await expectAccessible(page, 'product page, notify me');
    await screenshot(page, 'notify-me');

    // On a sale still to come: both events. A reload shows what was asked.
    await page.goto(`${shop}#/product/${upcoming}`);
    await page.getByLabel(/when the sale starts/).check();
    await page.getByLabel('when it is restocked').check();
    await page.getByRole('button', { name: 'Notify me' }).click();
    await page.getByText(`We will mail ${member!.email} at either.`).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Stop these notices' }).waitFor();
    expect(await page.getByLabel(/when the sale starts/).isChecked()).toBe(true);

    // The member's list, each with a cancel.
    const refused = await withStrictCsp(page);
    await page.getByRole('link', { name: 'My notices' }).click();
    await page.getByRole('heading', { name: 'My notices' }).waitFor();
    await page.getByText('Mail me at: sale start, restock').waitFor();
    await page.getByText('Mail me at: restock', { exact: true }).waitFor();
    await expectAccessible(page, 'my notices');
    await screenshot(page, 'my-notices');
    await page
      .getByRole('button', { name: /^Cancel the notices about .*/ })
      .first()
      .click();
    await page.getByText(/^No more notices about /).waitFor();
    const left = dataOf(await t.gql(MyNotificationsDocument, {}, member!.token)).myNotifications;
    expect(left.map((n) => n.product.id)).toEqual([String(soldOut)]);

    // A restock mails the member; the mail's unsubscribe link opens a page with a button, and
    // only its POST unsubscribes.
    dataOf(
      await t.gql(
        RestockProductDocument,
        { input: { productId: String(soldOut), quantity: 2 } },
        admin.token,
      ),
    );
    const mail = await smtp.waitForMail(member!.email, /back in stock/);
    expect(mail.text).toContain(`/shop/#/drop/${soldOut}`);
    // The mail's link to the drop opens the product's page (it has no room).
    const drop = /(https?:\/\/\S+\/shop\/#\/drop\/\d+)/.exec(mail.text!)![1]!;
    await page.goto(drop.replace(/^https?:\/\/[^/]+/, originOf(t.url)));
    await page.waitForURL(`${shop}#/product/${soldOut}`);
    await page.getByRole('button', { name: 'Buy now' }).waitFor();
    const url = unsubscribeUrl(mail).replace(/^https?:\/\/[^/]+/, originOf(t.url));
    await page.goto(url);
    await page.getByRole('button', { name: 'Unsubscribe' }).waitFor();
    await expectAccessible(page, 'unsubscribe page');
    await screenshot(page, 'unsubscribe');
    expect(
      dataOf(await t.gql(MyNotificationsDocument, {}, member!.token)).myNotifications,
    ).toHaveLength(1);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByText('You are unsubscribed.', { exact: false }).waitFor();
    await expectAccessible(page, 'unsubscribed page');
    expect(dataOf(await t.gql(MyNotificationsDocument, {}, member!.token)).myNotifications).toEqual(
      [],
    );

    await page.goto(`${shop}#/notices`);
    await page.getByText('You have asked for no notices.', { exact: false }).waitFor();
    expect(refused()).toEqual([]);
    await page.close();
  });
});
