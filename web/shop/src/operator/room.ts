// The waiting room's part of the operator view: its state under the charts, and pause (with the
// reason everyone in line reads) or resume through the room's admin mutations.
import { describeError, request } from '../api';
import type { ShopOperatorSnapshotQuery } from '../gql/graphql';
import { h, message } from '../ui';
import { PauseRoomDocument, ResumeRoomDocument } from './documents';

type Queue = ShopOperatorSnapshotQuery['operatorSnapshot']['queue'];

/**
 * The room's section: a status line each poll, and the controls, built once per drop so a reason
 * being typed is not lost to the next poll. Returns the section and its per-poll update.
 */
export function roomPanel(productId: string): {
  element: HTMLElement;
  update: (queue: Queue) => void;
} {
  const title = h('h2', { id: 'room-title' }, 'Waiting room admissions');
  const status = h('p', { role: 'status' });
  const out = h('div', { class: 'out' });
  const reason = h('input', { name: 'reason', maxlength: '500', required: '' });
  const pause = h('button', { type: 'submit' }, 'Pause admissions');
  const resume = h('button', { type: 'button' }, 'Resume admissions');
  const pauseForm = h(
    'form',
    { class: 'room-controls' },
    h('label', {}, 'Reason shown to everyone in line ', reason),
    pause,
  );
  const act = async (button: HTMLButtonElement, call: () => Promise<unknown>, done: string) => {
    button.disabled = true;
    out.replaceChildren();
    try {
      await call();
      out.replaceChildren(message('success', done));
    } catch (err) {
      out.replaceChildren(message('error', describeError(err)));
    } finally {
      button.disabled = false;
    }
  };
  pauseForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void act(
      pause,
      () => request(PauseRoomDocument, { input: { productId, reason: reason.value } }),
      'Paused. Nobody is admitted or joins until you resume.',
    );
  });
  resume.onclick = () =>
    void act(resume, () => request(ResumeRoomDocument, { productId }), 'Resumed.');
  const controls = h('div', {}, pauseForm, resume);
  const element = h('section', { 'aria-labelledby': 'room-title' }, title, status, controls, out);
  const update = (queue: Queue) => {
    controls.hidden = !queue;
    if (!queue) {
      status.textContent = 'This drop has no waiting room.';
      return;
    }
    status.textContent = queue.paused
      ? `Admissions paused: ${queue.pauseReason ?? ''} (${queue.waiting} waiting).`
      : `Admitting: ${queue.waiting} waiting, ${queue.admitted} admitted.`;
    pauseForm.hidden = queue.paused;
    resume.hidden = !queue.paused;
  };
  return { element, update };
}
