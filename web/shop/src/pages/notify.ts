// Notify me: the control on the product and drop pages, and the member's list (#/notices).
import { describeError, request, session } from '../api';
import {
  CancelNotifyMeDocument,
  MyNotificationsDocument,
  NotifyMeDocument,
} from '../drop-documents';
import type { NotifyEvent, SaleState } from '../gql/graphql';
import { h, message } from '../ui';

const EVENTS: [NotifyEvent, string][] = [
  ['SALE_START', 'when the sale starts (a few minutes ahead, with a link into the line)'],
  ['RESTOCK', 'when it is restocked'],
];

/**
 * "Mail me …" checkboxes and a button, filled with the member's current request: both events
 * before the sale, restocks only once it has started, nothing once it has ended.
 */
export function notifyControl(productId: string, saleState: SaleState): HTMLElement {
  if (saleState === 'ENDED') return h('span');
  const events = EVENTS.filter(([e]) => e === 'RESTOCK' || saleState === 'UPCOMING');
  if (!session()) {
    return h(
      'p',
      { class: 'hint' },
      h('a', { href: '#/signin' }, 'Sign in'),
      saleState === 'UPCOMING'
        ? ' to be mailed when the sale starts or the product is restocked.'
        : ' to be mailed when the product is restocked.',
    );
  }
  const out = h('div', { class: 'out' });
  const boxes = events.map(([event, label]) => {
    const box = h('input', { type: 'checkbox', name: 'events', value: event });
    return { event, box, label: h('label', { class: 'check' }, box, ` ${label}`) };
  });
  const save = h('button', { type: 'submit' }, 'Notify me');
  const stop = h('button', { type: 'button', class: 'link' }, 'Stop these notices');
  stop.hidden = true;
  const form = h(
    'form',
    { class: 'notify' },
    h('fieldset', {}, h('legend', {}, 'Mail me about this product'), ...boxes.map((b) => b.label)),
    h('div', { class: 'buy-row' }, save, stop),
    out,
  );
  const act = async (call: () => Promise<string>) => {
    save.disabled = stop.disabled = true;
    try {
      out.replaceChildren(message('success', await call()));
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      save.disabled = stop.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const events = boxes.filter((b) => b.box.checked).map((b) => b.event);
    if (!events.length) {
      out.replaceChildren(message('error', 'Choose when to be mailed, or stop the notices.'));
      return;
    }
    void act(async () => {
      await request(NotifyMeDocument, { input: { productId, events } });
      stop.hidden = false;
      return `We will mail ${session()!.user.email} ${events.length > 1 ? 'at either' : 'then'}. Each mail has a link to stop them.`;
    });
  });
  stop.onclick = () =>
    void act(async () => {
      await request(CancelNotifyMeDocument, { productId });
      for (const b of boxes) b.box.checked = false;
      stop.hidden = true;
      return 'No more notices about this product.';
    });
  void request(MyNotificationsDocument, {})
    .then(({ myNotifications }) => {
      const mine = myNotifications.find((n) => n.product.id === productId);
      for (const b of boxes) b.box.checked = !!mine?.events.includes(b.event);
      stop.hidden = !mine;
    })
    .catch(() => undefined);
  return h('section', { 'aria-label': 'Notify me' }, form);
}

/** #/notices: what the member asked to be told about, each with a cancel. */
export async function noticesPage(): Promise<HTMLElement[]> {
  const { myNotifications } = await request(MyNotificationsDocument, {});
  const words: Record<NotifyEvent, string> = {
    SALE_START: 'sale start',
    RESTOCK: 'restock',
  };
  const list = h('ul', { class: 'orders' });
  for (const n of myNotifications) {
    const cancel = h('button', { type: 'button' }, 'Cancel');
    cancel.setAttribute('aria-label', `Cancel the notices about ${n.product.name}`);
    const item = h(
      'li',
      {},
      h('a', { href: `#/product/${n.product.id}` }, n.product.name),
      h('span', {}, `Mail me at: ${n.events.map((e) => words[e]).join(', ')}`),
      cancel,
    );
    cancel.onclick = async () => {
      cancel.disabled = true;
      try {
        await request(CancelNotifyMeDocument, { productId: n.product.id });
        item.replaceChildren(message('success', `No more notices about ${n.product.name}.`));
      } catch (err) {
        item.append(message('error', describeError(err)));
        cancel.disabled = false;
      }
    };
    list.append(item);
  }
  return [
    h('h1', {}, 'My notices'),
    myNotifications.length
      ? list
      : h('p', {}, 'You have asked for no notices. A product’s page has “Notify me”.'),
  ];
}
