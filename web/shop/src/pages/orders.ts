import { describeError, request, session, subscribe } from '../api';
import {
  CancelOrderDocument,
  MyOrdersDocument,
  OrderDocument,
  OrderStatusChangedDocument,
  RequestReturnDocument,
} from '../documents';
import type { OrderStatus, ShopOrderFragment } from '../gql/graphql';
import { go, onLeave } from '../page';
import { h, message, money } from '../ui';

const ACTIONS: Partial<Record<OrderStatus, string>> = {
  CANCELLED: 'Cancel order',
  RETURN_REQUESTED: 'Request return',
};

/** A refund on its way has no event of its own: its order is asked again this often. */
const REFUND_POLL_MS = 2000;

export async function ordersPage(): Promise<HTMLElement[]> {
  if (!session()) {
    go('#/signin');
    return [];
  }
  const list = h('ul', { class: 'orders' });
  const rows = new Map<string, HTMLElement>();
  const polls = new Map<string, ReturnType<typeof setTimeout>>();
  onLeave(() => polls.forEach((timer) => clearTimeout(timer)));
  const refresh = (id: string) =>
    request(OrderDocument, { id })
      .then(({ order }) => show(order))
      .catch(() => undefined);
  const show = (order: ShopOrderFragment) => {
    const row = orderRow(order, show);
    const old = rows.get(order.id);
    if (old) old.replaceWith(row);
    else list.prepend(row);
    rows.set(order.id, row);
    clearTimeout(polls.get(order.id));
    if (order.payment.status === 'REFUNDING') {
      polls.set(
        order.id,
        setTimeout(() => void refresh(order.id), REFUND_POLL_MS),
      );
    }
  };
  // Listen first, so an order placed while the list loads still shows up.
  onLeave(
    subscribe(OrderStatusChangedDocument, {}, ({ orderStatusChanged }) => {
      void refresh(orderStatusChanged.orderId);
    }),
  );
  const { myOrders } = await request(MyOrdersDocument, { first: 50 });
  for (const { node } of [...myOrders.edges].reverse()) show(node);
  return [h('h1', {}, 'My orders'), list, h('p', { class: 'hint' }, 'Statuses update live.')];
}

/** The money side of an order once it is cancelled or returned. */
function refundState(payment: ShopOrderFragment['payment']): HTMLElement | string {
  const amount = money(payment.refundAmount ?? 0);
  switch (payment.status) {
    case 'REFUNDING':
      return h('span', { class: 'refund' }, `Refund of ${amount} on its way`);
    case 'REFUNDED':
      return h(
        'span',
        { class: 'refund' },
        `Refunded ${amount}`,
        payment.refundedAt ? ` on ${new Date(payment.refundedAt).toLocaleDateString()}` : '',
      );
    default:
      return '';
  }
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
    {
      'data-order-id': order.id,
      'data-status': order.status,
      'data-payment': order.payment.status,
    },
    h('span', { class: `status ${order.status.toLowerCase()}` }, order.status.replace('_', ' ')),
    h('span', { class: 'items' }, items),
    h('span', { class: 'price' }, money(order.totalAmount)),
    h('time', { datetime: order.placedAt }, new Date(order.placedAt).toLocaleString()),
    refundState(order.payment),
    ...buttons,
    out,
  );
}
