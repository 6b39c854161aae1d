// The Rocket Mart storefront: a small single-page app on hash routes, served by the API at /shop.
import '../../widget/rocket-stock';
import { ApiError, describeError, request, session, setSession, subscribe } from './api';
import {
  CancelOrderDocument,
  LoginDocument,
  MyOrdersDocument,
  OrderDocument,
  OrderStatusChangedDocument,
  PayDocument,
  ProductDocument,
  ProductsDocument,
  PurchaseDocument,
  RequestReturnDocument,
  ResendVerificationDocument,
  SignUpDocument,
} from './documents';
import type { OrderStatus, ShopOrderFragment } from './gql/graphql';
import { countdown, h, money } from './ui';

const main = document.querySelector('main')!;
const nav = document.querySelector('nav')!;
/** Undone when the page changes: subscriptions and timers of the page shown. */
let pageCleanup: (() => void)[] = [];

function message(
  kind: 'info' | 'error' | 'success',
  text: string,
  ...extra: (Node | string)[]
): HTMLElement {
  return h(
    'p',
    { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    text,
    ...extra,
  );
}

function renderNav(): void {
  const me = session();
  nav.replaceChildren(
    h('a', { href: '#/products' }, 'Products'),
    ...(me
      ? [
          h('a', { href: '#/orders' }, 'My orders'),
          h('span', { class: 'who' }, me.user.name),
          h(
            'button',
            { class: 'link', onclick: () => (setSession(null), go('#/signin')) },
            'Sign out',
          ),
        ]
      : [h('a', { href: '#/signin' }, 'Sign in'), h('a', { href: '#/signup' }, 'Sign up')]),
  );
}

function go(hash: string): void {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

/** A form whose submit runs `action`, showing its error (by code) under the form. */
function form(
  fields: HTMLElement[],
  submit: string,
  action: (data: FormData, out: HTMLElement) => Promise<void>,
): HTMLElement {
  const out = h('div', { class: 'out' });
  const button = h('button', { type: 'submit' }, submit);
  const el = h('form', {}, ...fields, button, out);
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    button.disabled = true;
    out.replaceChildren();
    action(new FormData(el), out)
      .catch((err) => out.replaceChildren(message('error', describeError(err))))
      .finally(() => (button.disabled = false));
  });
  return el;
}

const field = (label: string, name: string, type = 'text', attrs: Record<string, string> = {}) =>
  h('label', {}, label, h('input', { name, type, required: '', ...attrs }));

function signInPage(): HTMLElement[] {
  return [
    h('h1', {}, 'Sign in'),
    form(
      [
        field('Email', 'email', 'email', { autocomplete: 'username' }),
        field('Password', 'password', 'password', { autocomplete: 'current-password' }),
      ],
      'Sign in',
      async (data) => {
        const { login } = await request(
          LoginDocument,
          {
            input: { email: String(data.get('email')), password: String(data.get('password')) },
          },
          { anonymous: true },
        );
        setSession(login);
        go('#/products');
      },
    ),
    h('p', {}, 'New here? ', h('a', { href: '#/signup' }, 'Create an account')),
  ];
}

function signUpPage(): HTMLElement[] {
  return [
    h('h1', {}, 'Create an account'),
    form(
      [
        field('Name', 'name'),
        field('Email', 'email', 'email', { autocomplete: 'username' }),
        field('Password (8 or more characters)', 'password', 'password', {
          minlength: '8',
          autocomplete: 'new-password',
        }),
      ],
      'Sign up',
      async (data, out) => {
        const email = String(data.get('email'));
        await request(
          SignUpDocument,
          {
            input: {
              name: String(data.get('name')),
              email,
              password: String(data.get('password')),
            },
          },
          { anonymous: true },
        );
        const resend = h('button', { class: 'link' }, 'Send it again');
        resend.onclick = () =>
          request(ResendVerificationDocument, { input: { email } }, { anonymous: true })
            .then(() => out.append(message('info', 'Sent again.')))
            .catch((err) => out.append(message('error', describeError(err))));
        out.replaceChildren(
          message(
            'success',
            `We mailed a verification link to ${email}. Open it, then `,
            h('a', { href: '#/signin' }, 'sign in'),
            '. ',
          ),
          resend,
        );
      },
    ),
  ];
}

async function productsPage(): Promise<HTMLElement[]> {
  const { products } = await request(ProductsDocument, { first: 50 });
  const list = h('ul', { class: 'products' });
  for (const { node } of products.edges) {
    list.append(
      h(
        'li',
        {},
        h('a', { href: `#/product/${node.id}` }, node.name),
        h('span', { class: 'price' }, money(node.price)),
        h('rocket-stock', { 'product-id': node.id }),
      ),
    );
  }
  return [
    h('h1', {}, 'Products'),
    products.edges.length ? list : message('info', 'Nothing on sale yet.'),
  ];
}

async function productPage(id: string): Promise<HTMLElement[]> {
  const sentAt = Date.now();
  const { product, serverTime } = await request(ProductDocument, { id });
  if (!product) return [message('error', 'This product does not exist.')];
  const offset = Date.parse(serverTime) - (sentAt + Date.now()) / 2;
  const out = h('div', { class: 'out', 'aria-live': 'polite' });
  const quantity = h('input', {
    name: 'quantity',
    type: 'number',
    min: '1',
    value: '1',
    max: String(product.purchaseLimit ?? 1000),
  });
  const buy = h('button', { class: 'buy' }, 'Buy now');
  // One key per intended purchase: a retry after a lost answer cannot buy twice.
  let idempotencyKey = crypto.randomUUID();
  quantity.oninput = () => (idempotencyKey = crypto.randomUUID());

  buy.onclick = async () => {
    if (!session()) return go('#/signin');
    buy.disabled = true;
    out.replaceChildren();
    try {
      const { purchase } = await request(PurchaseDocument, {
        input: { productId: id, quantity: Number(quantity.value), idempotencyKey },
      });
      idempotencyKey = crypto.randomUUID();
      switch (purchase.__typename) {
        case 'Reservation':
          return out.replaceChildren(
            payPanel(purchase.id, purchase.totalAmount, purchase.holdExpiresAt, offset),
          );
        case 'SoldOutError':
          return out.replaceChildren(
            message(
              'error',
              purchase.remaining > 0
                ? `Not enough left: only ${purchase.remaining} remaining.`
                : 'Sold out.',
            ),
          );
        case 'PurchaseLimitExceededError':
          return out.replaceChildren(
            message(
              'error',
              purchase.remainingAllowance > 0
                ? `Limit reached: you may buy ${purchase.remainingAllowance} more of this product.`
                : 'Limit reached: you have bought as many of this product as one member may.',
            ),
          );
        case 'SaleNotActiveError': {
          if (purchase.code === 'SALE_ENDED')
            return out.replaceChildren(message('error', 'The sale has ended.'));
          const starts = Date.parse(purchase.saleStartsAt ?? '');
          const text = h('span', { class: 'countdown' });
          const tick = () => (text.textContent = countdown(starts - (Date.now() + offset)));
          tick();
          const timer = setInterval(tick, 1000);
          pageCleanup.push(() => clearInterval(timer));
          return out.replaceChildren(
            message('error', 'The sale has not started yet. It starts in ', text, '.'),
          );
        }
      }
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      buy.disabled = false;
    }
  };

  return [
    h('p', {}, h('a', { href: '#/products' }, '← All products')),
    h('h1', {}, product.name),
    h('p', { class: 'description' }, product.description),
    h(
      'p',
      {},
      h('span', { class: 'price' }, money(product.price)),
      ' ',
      h('rocket-stock', { 'product-id': product.id }),
    ),
    product.purchaseLimit
      ? h('p', { class: 'hint' }, `At most ${product.purchaseLimit} per member.`)
      : h('span'),
    h('div', { class: 'buy-row' }, h('label', {}, 'Quantity ', quantity), buy),
    out,
  ];
}

function payPanel(
  reservationId: string,
  amount: number,
  holdExpiresAt: string,
  offset: number,
): HTMLElement {
  const hold = h('span', { class: 'countdown' });
  const tick = () =>
    (hold.textContent = countdown(Date.parse(holdExpiresAt) - (Date.now() + offset)));
  tick();
  const timer = setInterval(tick, 1000);
  pageCleanup.push(() => clearInterval(timer));
  const out = h('div');
  const pay = h('button', { class: 'pay' }, `Pay ${money(amount)}`);
  pay.onclick = async () => {
    pay.disabled = true;
    try {
      const { pay: result } = await request(PayDocument, { input: { reservationId } });
      clearInterval(timer);
      if (result.__typename === 'Payment') {
        out.replaceChildren(
          message(
            'success',
            `Paid ${money(result.amount)}. Your order is being placed: `,
            h('a', { href: '#/orders' }, 'see my orders'),
            '.',
          ),
        );
        pay.remove();
        return;
      }
      if (result.__typename === 'PaymentInProgressError') {
        out.replaceChildren(
          message('info', 'This reservation is already being paid; see my orders in a moment.'),
        );
        return;
      }
      out.replaceChildren(
        message(
          'error',
          result.__typename === 'PaymentDeclinedError'
            ? `Payment declined: ${result.message}`
            : `The hold has ended (${result.status.toLowerCase()}). Please buy again.`,
        ),
      );
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      pay.disabled = false;
    }
  };
  return h(
    'div',
    { class: 'reservation' },
    message('success', 'Reserved for you. Pay within ', hold, ' to keep it.'),
    pay,
    out,
  );
}

const ACTIONS: Partial<Record<OrderStatus, string>> = {
  CANCELLED: 'Cancel order',
  RETURN_REQUESTED: 'Request return',
};

async function ordersPage(): Promise<HTMLElement[]> {
  if (!session()) {
    go('#/signin');
    return [];
  }
  const list = h('ul', { class: 'orders' });
  const rows = new Map<string, HTMLElement>();
  const show = (order: ShopOrderFragment) => {
    const row = orderRow(order, show);
    const old = rows.get(order.id);
    if (old) old.replaceWith(row);
    else list.prepend(row);
    rows.set(order.id, row);
  };
  // Listen first, so an order placed while the list loads still shows up.
  pageCleanup.push(
    subscribe(OrderStatusChangedDocument, {}, ({ orderStatusChanged }) => {
      request(OrderDocument, { id: orderStatusChanged.orderId })
        .then(({ order }) => show(order))
        .catch(() => undefined);
    }),
  );
  const { myOrders } = await request(MyOrdersDocument, { first: 50 });
  for (const { node } of [...myOrders.edges].reverse()) show(node);
  return [h('h1', {}, 'My orders'), list, h('p', { class: 'hint' }, 'Statuses update live.')];
}

function orderRow(order: ShopOrderFragment, show: (o: ShopOrderFragment) => void): HTMLElement {
  const out = h('div', { class: 'out' });
  const buttons = order.nextStatuses
    .filter((s) => ACTIONS[s])
    .map((to) => {
      const button = h('button', {}, ACTIONS[to]!);
      button.onclick = async () => {
        button.disabled = true;
        try {
          const input = { orderId: order.id };
          const result =
            to === 'CANCELLED'
              ? (await request(CancelOrderDocument, { input })).cancelOrder
              : (await request(RequestReturnDocument, { input })).requestReturn;
          if (result.__typename === 'Order') show(result);
          else out.replaceChildren(message('error', result.message));
        } catch (err) {
          out.replaceChildren(message('error', describeError(err)));
        } finally {
          button.disabled = false;
        }
      };
      return button;
    });
  const items = order.items.map((i) => `${i.quantity} × ${i.product.name}`).join(', ');
  return h(
    'li',
    { 'data-order-id': order.id, 'data-status': order.status },
    h('span', { class: `status ${order.status.toLowerCase()}` }, order.status.replace('_', ' ')),
    h('span', { class: 'items' }, items),
    h('span', { class: 'price' }, money(order.totalAmount)),
    h('time', { datetime: order.placedAt }, new Date(order.placedAt).toLocaleString()),
    ...buttons,
    out,
  );
}

async function route(): Promise<void> {
  for (const undo of pageCleanup) undo();
  pageCleanup = [];
  renderNav();
  const [, page = 'products', id = ''] = location.hash.split('/');
  main.setAttribute('aria-busy', 'true');
  try {
    const content =
      page === 'signin'
        ? signInPage()
        : page === 'signup'
          ? signUpPage()
          : page === 'product'
            ? await productPage(id)
            : page === 'orders'
              ? await ordersPage()
              : await productsPage();
    main.replaceChildren(...content);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return go('#/signin');
    main.replaceChildren(message('error', describeError(err)));
  } finally {
    main.removeAttribute('aria-busy');
  }
}

window.addEventListener('hashchange', () => void route());
void route();
