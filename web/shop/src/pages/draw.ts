// #/draw/<productId>: a room's public draw and how anyone can check it (npm run verify:draw).
import { request } from '../api';
import { DrawDocument } from '../drop-documents';
import { h } from '../ui';

export async function drawPage(id: string): Promise<HTMLElement[]> {
  const { waitingRoomDraw: d } = await request(DrawDocument, { id });
  const row = (term: string, value: string) =>
    [h('dt', {}, term), h('dd', {}, h('code', {}, value))] as const;
  return [
    h('p', {}, h('a', { href: `#/drop/${id}` }, '← Back to the drop')),
    h('h1', {}, 'Check the draw'),
    h(
      'p',
      {},
      'Before anyone entered, the shop published a commitment to a secret seed. At the sale start the entries were frozen (their root below); each entry’s place is a keyed hash of the seed and that root, so nobody, the shop included, could choose the order. The seed is revealed when the room closes.',
    ),
    h(
      'dl',
      { class: 'draw' },
      ...row('Scheme', d.scheme),
      ...row('Seed commitment', d.seedCommit),
      ...row('Entries', d.entries == null ? 'not frozen yet' : String(d.entries)),
      ...row('Entries root', d.entriesRoot ?? 'not frozen yet'),
      ...row('Seed', d.seed ?? 'revealed when the room closes'),
      ...row('Late joiners', d.late ? String(d.late.length) : '–'),
    ),
    h('h2', {}, 'Recompute it yourself'),
    h(
      'p',
      {},
      'With Node.js and the public API only (no account): the script checks the commitment, the root and the order, and prints where each entry landed.',
    ),
    h(
      'pre',
      { tabindex: '0', 'aria-label': 'Command to verify the draw' },
      `npm run verify:draw -- ${id} ${new URL('/graphql', location.href).href}`,
    ),
  ];
}
