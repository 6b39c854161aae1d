import { describeError, request, session } from '../api';
import { ProductDocument, PurchaseDocument } from '../documents';
import type { ShopPurchaseMutation } from '../gql/graphql';
import { go, onLeave } from '../page';
import { countdown, h, message, money } from '../ui';
import { notifyControl } from './notify';
import { payPanel } from './pay-panel';

type Purchase = ShopPurchaseMutation['purchase'];

export async function productPage(id: string): Promise<HTMLElement[]> {
  const sentAt = Date.now();
  const { product, serverTime } = await request(ProductDocument, { id });
  if (!product) return [message('error', 'This product does not exist.')];
  // The server's clock minus ours, so countdowns agree with the sale's.
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
      out.replaceChildren(purchaseAnswer(purchase, offset));
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
    product.waitingRoom
      ? h(
          'p',
          { class: 'drop-link' },
          'This drop sells through a line: ',
          h(
            'a',
            { href: `#/drop/${product.id}` },
            product.waitingRoom.mode === 'RAFFLE' ? 'enter the draw' : 'take your place in line',
          ),
          '. Buying works once it is your turn.',
        )
      : h('div', { class: 'buy-row' }, h('label', {}, 'Quantity ', quantity), buy),
    out,
    notifyControl(product.id, product.saleState),
  ];
}

/** What a purchase's answer means to the buyer. */
export function purchaseAnswer(purchase: Purchase, offset: number): HTMLElement {
  switch (purchase.__typename) {
    case 'Reservation':
      return payPanel(purchase.id, purchase.totalAmount, purchase.holdExpiresAt, offset);
    case 'SoldOutError':
      return message(
        'error',
        purchase.remaining > 0
          ? `Not enough left: only ${purchase.remaining} remaining.`
          : 'Sold out.',
      );
    case 'PurchaseLimitExceededError':
      return message(
        'error',
        purchase.remainingAllowance > 0
          ? `Limit reached: you may buy ${purchase.remainingAllowance} more of this product.`
          : 'Limit reached: you have bought as many of this product as one member may.',
      );
    case 'SaleNotActiveError': {
      if (purchase.code === 'SALE_ENDED') {
        const ended = purchase.saleEndsAt ? new Date(purchase.saleEndsAt).toLocaleString() : '';
        return message(
          'error',
          `The sale has ended${ended ? ` (${ended})` : ''}. Nothing was reserved.`,
        );
      }
      const starts = Date.parse(purchase.saleStartsAt ?? '');
      const text = h('span', { class: 'countdown' });
      const tick = () => (text.textContent = countdown(starts - (Date.now() + offset)));
      tick();
      const timer = setInterval(tick, 1000);
      onLeave(() => clearInterval(timer));
      return message('error', 'The sale has not started yet. It starts in ', text, '.');
    }
    case 'NotAdmittedError':
    case 'AdmissionExpiredError':
    case 'TooManyHoldsError':
      return message('error', purchase.message);
  }
}
