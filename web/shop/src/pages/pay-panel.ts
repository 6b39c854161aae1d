import { describeError, request } from '../api';
import { PayDocument } from '../documents';
import { onLeave } from '../page';
import { countdown, h, message, money } from '../ui';

/** A held reservation: its hold's countdown and the Pay button, with every answer pay can give. */
export function payPanel(
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
  onLeave(() => clearInterval(timer));
  const out = h('div');
  const pay = h('button', { class: 'pay' }, `Pay ${money(amount)}`);
  pay.onclick = async () => {
    pay.disabled = true;
    try {
      const { pay: result } = await request(PayDocument, { input: { reservationId } });
      switch (result.__typename) {
        case 'Payment':
          clearInterval(timer);
          pay.remove();
          return out.replaceChildren(
            message(
              'success',
              `Paid ${money(result.amount)}. Your order is being placed: `,
              h('a', { href: '#/orders' }, 'see my orders'),
              '.',
            ),
          );
        case 'PaymentInProgressError':
          return out.replaceChildren(
            message('info', 'This reservation is already being paid; see my orders in a moment.'),
          );
        case 'PaymentDeclinedError':
          // The hold is given back: buying again starts a new one.
          clearInterval(timer);
          return panel.replaceChildren(
            message(
              'error',
              `Payment declined: ${result.message}. Nothing was charged, and the units went back on sale; buy again to retry.`,
            ),
          );
        case 'ReservationExpiredError':
          clearInterval(timer);
          return panel.replaceChildren(
            message(
              'error',
              `The hold has ended (${result.status.toLowerCase()}). Please buy again.`,
            ),
          );
      }
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      pay.disabled = false;
    }
  };
  const panel = h(
    'div',
    { class: 'reservation' },
    message('success', 'Reserved for you. Pay within ', hold, ' to keep it.'),
    pay,
    out,
  );
  return panel;
}
