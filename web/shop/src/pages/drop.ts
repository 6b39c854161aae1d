// The drop page (#/drop/<productId>): takes a place in the product's waiting room (solving the
// proof of work in a Web Worker), shows the ticket, the live place and an honest wait range from
// the room's subscription, then the turn to buy; in RAFFLE mode the entry, the draw's result and
// a link to check the draw. The notice mails link here.
import { waitRange } from '../../../widget/rocket-stock';
import { ApiError, describeError, request, session, subscribe } from '../api';
import { PurchaseDocument } from '../documents';
import {
  DropDocument,
  JoinRoomDocument,
  MyTicketDocument,
  RoomSubscriptionDocument,
} from '../drop-documents';
import type { ShopRoomFrameFragment } from '../gql/graphql';
import { go, onLeave } from '../page';
import { solveInWorker } from '../pow';
import { h, message, money } from '../ui';
import { closedWords, minutesSeconds, stateWords, waitWords } from './drop-words';
import { notifyControl } from './notify';
import { purchaseAnswer } from './product';

type Frame = ShopRoomFrameFragment;

export async function dropPage(id: string): Promise<HTMLElement[]> {
  const sentAt = Date.now();
  let data;
  try {
    data = await request(DropDocument, { id });
  } catch (err) {
    // No room (a restock mail links every product here): its own page is where to buy.
    if (err instanceof ApiError && err.code === 'NOT_FOUND') {
      location.replace(`#/product/${encodeURIComponent(id)}`);
      return [];
    }
    throw err;
  }
  const { product, serverTime } = data;
  if (!product) return [message('error', 'This product does not exist.')];
  const offset = Date.parse(serverTime) - (sentAt + Date.now()) / 2;
  const raffle = product.waitingRoom?.mode === 'RAFFLE';
  let frame: Frame = data.waitingRoom;
  let ticket: number | null = null;
  let entryId: string | null = null;
  let turn: { until: number; used: boolean } | null = null;

  const stock = h('rocket-stock', { 'product-id': id });
  stock.toggleAttribute('queue', true);
  // The place changes each tick: not read out here (the widget announces it now and then).
  const place = h('div', { class: 'place', 'aria-live': 'off' });
  const state = h('div', { class: 'room-state' });
  const action = h('div', { class: 'room-action' });
  const draw = h('a', { href: `#/draw/${id}` }, 'Check the draw');

  const showTicket = () => {
    if (ticket === null) return place.replaceChildren();
    stock.setAttribute('queue', String(ticket));
    const position = Math.max(0, ticket - frame.servedThrough);
    const range = waitRange(position, frame);
    place.replaceChildren(
      h('p', { class: 'ticket' }, `Ticket #${ticket}`),
      raffle ? h('p', {}, `The draw gave your entry ticket #${ticket}. `, draw, '.') : h('span'),
      position > 0
        ? h(
            'p',
            {},
            h('strong', { class: 'position' }, `Place in line: ${position}`),
            h('br'),
            // Only an admitting line has a wait to estimate; otherwise the state says why.
            frame.state === 'OPEN' ? waitWords(range.waitMinSeconds, range.waitMaxSeconds) : '',
          )
        : h('span'),
    );
  };

  const render = () => {
    const words = stateWords(frame, ticket);
    state.replaceChildren(words ? message('info', words) : h('span'));
    showTicket();
    if (ticket === null && entryId === null) {
      const over = frame.state === 'SOLD_OUT' || frame.state === 'ENDED';
      return void action.replaceChildren(over ? h('span') : joinButton());
    }
    if (entryId !== null && ticket === null) {
      action.replaceChildren(
        message('success', `You are in the draw: entry ${entryId.slice(0, 12)}…`),
        h('p', {}, `${frame.entrants} entries so far. `, draw, ' shows how anyone can verify it.'),
      );
      return;
    }
    if (ticket !== null && ticket <= frame.servedThrough && !turn) return void admitted();
    if (!turn) return void action.replaceChildren();
  };

  /** Asks the room for the ticket's admission (its end is the member's own, not the frame's). */
  let asking = false;
  const admitted = async () => {
    if (asking) return;
    asking = true;
    const { myWaitingRoomTicket: mine } = await request(MyTicketDocument, { id }).finally(
      () => (asking = false),
    );
    if (!mine?.admissionExpiresAt || turn) return;
    turn = { until: Date.parse(mine.admissionExpiresAt), used: mine.admissionUsed };
    stock.setAttribute('admitted-until', mine.admissionExpiresAt);
    showTurn();
  };

  const showTurn = () => {
    const clock = h('span', { class: 'countdown' });
    const left = () => turn!.until - (Date.now() + offset);
    const tick = () => (clock.textContent = minutesSeconds(left()));
    tick();
    const timer = setInterval(() => {
      tick();
      if (left() <= 0) {
        clearInterval(timer);
        if (!turn!.used)
          action.replaceChildren(
            message('error', 'Your turn has passed: you did not start a purchase in time.'),
          );
      }
    }, 1000);
    onLeave(() => clearInterval(timer));
    action.replaceChildren(
      message('success', 'Your turn — buy within ', clock, '.'),
      buyRow(id, product.purchaseLimit ?? 1, offset, () => (turn!.used = true)),
    );
  };

  function joinButton(): HTMLElement {
    if (!session())
      return message(
        'info',
        'Sign in to take a place in line: ',
        h('a', { href: '#/signin' }, 'sign in'),
        '.',
      );
    const button = h('button', { class: 'join' }, raffle ? 'Enter the draw' : 'Join the line');
    button.onclick = () => void join(button);
    return button;
  }

  const join = async (button: HTMLButtonElement, proof?: string): Promise<void> => {
    button.disabled = true;
    const { joinWaitingRoom: answer } = await request(JoinRoomDocument, {
      input: { productId: id, proof },
    }).catch((err: unknown) => {
      action.replaceChildren(message('error', describeError(err)), joinButton());
      throw err;
    });
    switch (answer.__typename) {
      case 'ChallengeRequired': {
        action.setAttribute('aria-busy', 'true');
        action.replaceChildren(
          message(
            'info',
            'Joining… your browser is doing a moment of work that keeps bots from crowding the line.',
          ),
        );
        const work = solveInWorker(answer.challenge);
        onLeave(work.cancel);
        const solved = await work.proof.catch((err: Error) => {
          action.replaceChildren(message('error', err.message), joinButton());
          return null;
        });
        action.removeAttribute('aria-busy');
        return solved ? join(button, solved) : undefined;
      }
      case 'ChallengeFailedError':
        return void action.replaceChildren(
          message('error', `${answer.message} Please try again.`),
          joinButton(),
        );
      case 'WaitingRoomClosed':
        return void action.replaceChildren(message('error', closedWords(answer.reason)));
      case 'PreQueueEntry':
        entryId = answer.entryId;
        break;
      case 'WaitingRoomTicket':
        ticket = answer.ticket;
        break;
    }
    render();
  };

  // A member already in line (another tab, a reload) sees the ticket at once.
  if (session()) {
    const { myWaitingRoomTicket: mine } = await request(MyTicketDocument, { id });
    if (mine) ticket = mine.ticket;
  }
  const stop = subscribe(RoomSubscriptionDocument, { id }, ({ waitingRoom: next }) => {
    if (next.version <= frame.version) return;
    const drawn =
      entryId !== null && ticket === null && !['PREQUEUE', 'SEALING'].includes(next.state);
    frame = next;
    if (drawn)
      void request(MyTicketDocument, { id }).then(({ myWaitingRoomTicket: mine }) => {
        ticket = mine?.ticket ?? null;
        render();
      });
    else render();
  });
  onLeave(stop);
  render();

  return [
    h('p', {}, productLink(id, '← Back to the product')),
    h('h1', {}, `${product.name}: the drop`),
    h('p', { class: 'price' }, money(product.price)),
    h('p', {}, stock),
    h(
      'p',
      { class: 'hint' },
      raffle
        ? 'Entries before the sale are ordered by a public draw; after that, first come, first served.'
        : 'One place per member, the same on every device. Keep this page open: your turn shows here.',
    ),
    state,
    place,
    action,
    notifyControl(id, product.saleState),
  ];
}

const productLink = (id: string, text: string) => h('a', { href: `#/product/${id}` }, text);

/** Quantity and Buy for an admitted member; the answer as on the product page. */
function buyRow(id: string, limit: number, offset: number, onReserved: () => void): HTMLElement {
  const out = h('div', { class: 'out', 'aria-live': 'polite' });
  const quantity = h('input', {
    name: 'quantity',
    type: 'number',
    min: '1',
    value: '1',
    max: String(limit),
  });
  const buy = h('button', { class: 'buy' }, 'Buy now');
  const idempotencyKey = crypto.randomUUID();
  buy.onclick = async () => {
    if (!session()) return go('#/signin');
    buy.disabled = true;
    try {
      const { purchase } = await request(PurchaseDocument, {
        input: { productId: id, quantity: Number(quantity.value), idempotencyKey },
      });
      if (purchase.__typename === 'Reservation') onReserved();
      out.replaceChildren(purchaseAnswer(purchase, offset));
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      buy.disabled = false;
    }
  };
  return h(
    'div',
    {},
    h('div', { class: 'buy-row' }, h('label', {}, 'Quantity ', quantity), buy),
    out,
  );
}
