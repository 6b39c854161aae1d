import { describeError } from './api';

type Child = Node | string;
type Attrs = Record<string, string | ((e: Event) => unknown)>;

/** Creates an element; `on…` attributes become listeners, text children are never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/** A message to the person: errors are alerts, the rest polite status. */
export function message(
  kind: 'info' | 'error' | 'success',
  text: string,
  ...extra: Child[]
): HTMLElement {
  return h(
    'p',
    { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    text,
    ...extra,
  );
}

/** A form whose submit runs `action`, showing its error (by code) under the form. */
export function form(
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

/** A labelled, required input. */
export const field = (
  label: string,
  name: string,
  type = 'text',
  attrs: Record<string, string> = {},
) => h('label', {}, label, h('input', { name, type, required: '', ...attrs }));

const formatter = new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' });

/** Minor units as money, e.g. 1999 → €19.99. */
export const money = (minor: number) => formatter.format(minor / 100);

/** A countdown such as "1d 02:03:04" or "04:05". */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(total / 86400);
  const two = (n: number) => String(n).padStart(2, '0');
  const [hh, mm, ss] = [
    Math.floor((total % 86400) / 3600),
    Math.floor((total % 3600) / 60),
    total % 60,
  ];
  const clock = hh || d ? `${two(hh)}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
  return d ? `${d}d ${clock}` : clock;
}
