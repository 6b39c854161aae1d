// The operator's live view of a drop (/shop/operator.html#<productId>), admins only: polls the
// admin operatorSnapshot query each second and charts it with uPlot. Its own bundle, so shoppers
// never download the chart library.
import { describeError, request, session } from '../api';
import { h, message } from '../ui';
import { CHARTS, Chart } from './charts';
import { OperatorSnapshotDocument } from './documents';
import { roomPanel } from './room';

const POLL_MS = 1000;

const main = document.querySelector('main')!;
let stop: (() => void) | undefined;

function watch(productId: string): void {
  stop?.();
  const width = Math.min(main.clientWidth || 800, 860);
  const charts = CHARTS.map((spec) => new Chart(spec, width));
  const status = h('div', { class: 'out' });
  const room = roomPanel(productId);
  main.replaceChildren(
    h('h1', {}, `Drop of product ${productId}`),
    h(
      'p',
      { class: 'hint' },
      'Polled each second. Units are live across the cluster; calls and refusals are this API process’s counts.',
    ),
    status,
    // The room's state and its pause first: the control wanted in a hurry.
    room.element,
    ...charts.map((c) => c.element),
  );
  let before: Parameters<Chart['push']>[0] | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const poll = async () => {
    try {
      const { operatorSnapshot: now } = await request(OperatorSnapshotDocument, { productId });
      const seconds = before ? (Date.parse(now.at) - Date.parse(before.at)) / 1000 : 0;
      for (const chart of charts) chart.push(now, before, seconds);
      room.update(now.queue);
      status.replaceChildren();
      main.dataset.polls = String(Number(main.dataset.polls ?? 0) + 1);
      before = now;
    } catch (err) {
      status.replaceChildren(message('error', describeError(err)));
    }
    if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
  };
  stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const chart of charts) chart.destroy();
  };
  void poll();
}

function pickProduct(): HTMLElement[] {
  const input = h('input', { name: 'product', inputmode: 'numeric', required: '' });
  const form = h(
    'form',
    {},
    h('label', {}, 'Product id', input),
    h('button', { type: 'submit' }, 'Watch'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#${input.value.trim()}`;
  });
  return [h('h1', {}, 'Operator view'), form];
}

function show(): void {
  const me = session();
  if (me?.user.role !== 'ADMIN') {
    stop?.();
    main.replaceChildren(
      h('h1', {}, 'Operator view'),
      message(
        'error',
        'Operators only: ',
        h('a', { href: './#/signin' }, 'sign in'),
        ' as an admin.',
      ),
    );
    return;
  }
  const productId = location.hash.slice(1);
  if (/^\d+$/.test(productId)) watch(productId);
  else {
    stop?.();
    main.replaceChildren(...pickProduct());
  }
}

window.addEventListener('hashchange', show);
show();
