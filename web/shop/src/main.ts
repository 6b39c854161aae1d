// The Rocket Mart storefront: a small single-page app on hash routes (#/<page>/<argument>),
// served by the API at /shop. Each page is a module under pages/ that returns its content.
import '../../widget/rocket-stock';
import { ApiError, describeError } from './api';
import { renderNav } from './nav';
import { go, leavePage } from './page';
import { forgotPasswordPage, signInPage, signUpPage } from './pages/account';
import { ordersPage } from './pages/orders';
import { productPage } from './pages/product';
import { productsPage } from './pages/products';
import { message } from './ui';

type Page = (argument: string) => HTMLElement[] | Promise<HTMLElement[]>;

const ROUTES: Record<string, Page> = {
  products: productsPage,
  product: productPage,
  orders: ordersPage,
  signin: signInPage,
  signup: signUpPage,
  forgot: forgotPasswordPage,
};

const main = document.querySelector('main')!;
const nav = document.querySelector('nav')!;

async function route(): Promise<void> {
  leavePage();
  renderNav(nav);
  const [, name = '', argument = ''] = location.hash.split('/');
  const page = ROUTES[name] ?? productsPage;
  main.setAttribute('aria-busy', 'true');
  try {
    main.replaceChildren(...(await page(decodeURIComponent(argument))));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return go('#/signin');
    main.replaceChildren(message('error', describeError(err)));
  } finally {
    main.removeAttribute('aria-busy');
  }
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('rocket-route', () => void route());
void route();
