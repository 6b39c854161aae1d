// The waiting room's part of the operator view. Until the room exists, `queue` is always null;
// the room adds its pause and resume mutations (with a reason) here, next to its figures.
import type { ShopOperatorSnapshotQuery } from '../gql/graphql';
import { h } from '../ui';

type Queue = ShopOperatorSnapshotQuery['operatorSnapshot']['queue'];

export function roomPanel(queue: Queue): HTMLElement[] {
  const title = h('h2', { id: 'room-title' }, 'Waiting room');
  if (!queue) return [title, h('p', { class: 'hint' }, 'This drop has no waiting room.')];
  return [
    title,
    h(
      'p',
      { role: 'status' },
      queue.paused
        ? `Admissions paused${queue.pauseReason ? `: ${queue.pauseReason}` : ''}.`
        : `Admitting: ${queue.waiting} waiting, ${queue.admitted} admitted.`,
    ),
    // Pause / resume controls go here once the room's mutations exist.
  ];
}
