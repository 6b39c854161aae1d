// The Rocket Mart storefront: a small single-page app on hash routes (#/<page>/<argument>),
// served by the API at /shop. Each page is a module under pages/ that returns its content.
import '../../widget/rocket-stock';
import { ApiError, describeError } from './api';
import { renderNav } from './nav';
import { go, leavePage } from './page';
import { forgotPasswordPage, signInPage, signUpPage } from './pages/account';
import { drawPage } from './pages/draw';
import { dropPage } from './pages/drop';
import { noticesPage } from './pages/notify';
import { ordersPage } from './pages/orders';
import { productPage } from './pages/product';
import { productsPage } from './pages/products';
import { message } from './ui';

type Page = (argument: string) => HTMLElement[] | Promise<HTMLElement[]>;

const ROUTES: Record<string, Page> = {
  products: productsPage,
  product: productPage,
  drop: dropPage,
  draw: drawPage,
  notices: noticesPage,
  orders: ordersPage,
  signin: signInPage,
  signup: signUpPage,
  forgot: forgotPasswordPage,
};

const main = document.querySelector('main')!;
const nav = document.querySelector('nav')!;

/** Counts navigations: a page that loads slowly must not replace the one asked for after it. */
let navigation = 0;

async function route(): Promise<void> {
  const current = ++navigation;
  leavePage();
  renderNav(nav);
  const [, name = '', argument = ''] = location.hash.split('/');
  const page = ROUTES[name] ?? productsPage;
  main.setAttribute('aria-busy', 'true');
  try {
    const content = await page(decodeURIComponent(argument));
    if (current === navigation) main.replaceChildren(...content);
  } catch (err) {
    if (current !== navigation) return;
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return go('#/signin');
    main.replaceChildren(message('error', describeError(err)));
  } finally {
    if (current === navigation) main.removeAttribute('aria-busy');
  }
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('rocket-route', () => void route());
void route();
