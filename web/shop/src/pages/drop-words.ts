// What a waiting room's state means to a member, in plain words (the drop page's texts).
import type { ShopRoomFrameFragment } from '../gql/graphql';

type Frame = ShopRoomFrameFragment;

const time = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : 'soon';

/** Why the room answered WaitingRoomClosed to a join, by its reason. */
export function closedWords(reason: string): string {
  switch (reason) {
    case 'NOT_OPEN':
      return 'The line is not open yet. Come back when it opens.';
    case 'PAUSED':
      return 'The line is paused by the shop. Try again when it resumes.';
    case 'ALL_IN_CARTS':
      return 'Every unit left is in someone’s cart, so the line takes nobody new for now. Units come back when carts are not paid in time: try again in a few minutes.';
    case 'SOLD_OUT':
      return 'Sold out: every unit has been bought.';
    case 'ENDED':
      return 'The sale has ended.';
    case 'ENTRIES_CLOSED':
      return 'The draw’s entries closed when the sale started: this drop takes no more entries.';
    default:
      return 'The line takes nobody new right now.';
  }
}

/**
 * What the room's state means for the holder of `ticket` (null: not in line), or null when the
 * room simply admits (the place and the wait range say it all).
 */
export function stateWords(frame: Frame, ticket: number | null): string | null {
  switch (frame.state) {
    case 'SCHEDULED':
      return `The line opens at ${time(frame.preQueueOpensAt ?? frame.opensAt)}.`;
    case 'PREQUEUE':
      return `Entries are open until the sale starts at ${time(frame.opensAt)}. Then a draw orders every entry, so when you enter makes no difference.`;
    case 'SEALING':
      return 'The sale has started: the entries are being drawn. Your place shows here in a moment.';
    case 'PAUSED':
      return `The line is paused by the shop: ${frame.pausedReason ?? 'no reason given'}. Everyone keeps their place; admissions go on when it resumes.`;
    case 'ALL_IN_CARTS':
      return allInCarts(frame, ticket);
    case 'SOLD_OUT':
      return 'Sold out: every unit has been bought. Nobody else in line will be served.';
    case 'ENDED':
      return 'The sale has ended. Nobody else in line will be served.';
    default:
      return null;
  }
}

function allInCarts(frame: Frame, ticket: number | null): string {
  const back = frame.nextReturnAt ? ` (the next by ${time(frame.nextReturnAt)})` : '';
  const base = `Every unit left is in someone’s cart right now. Carts not paid in time give their units back${back}, and then the line moves again.`;
  if (ticket === null || frame.cutoffTicket == null) return base;
  return ticket > frame.cutoffTicket
    ? `${base} Your ticket #${ticket} is after #${frame.cutoffTicket}, the last one those units could reach: you are unlikely to be served. You may keep your place in case more come back.`
    : `${base} Your ticket #${ticket} is within the cutoff (#${frame.cutoffTicket}): if those carts lapse, your turn comes.`;
}

/** "about 2–5 min", "under a minute", or that the wait is not known yet. */
export function waitWords(minSeconds: number, maxSeconds: number): string {
  if (Number.isNaN(minSeconds)) return 'Wait: not known yet (nobody has been admitted lately).';
  const [lo, hi] = [minSeconds, maxSeconds].map((s) => Math.max(1, Math.round(s / 60)));
  if (Number.isNaN(maxSeconds)) return `Wait: at least ${lo} min.`;
  if (maxSeconds < 60) return 'Wait: under a minute.';
  return `Wait: about ${lo === hi ? lo : `${lo}–${hi}`} min, by how fast the line moved lately.`;
}

/** m:ss, e.g. 1:05. */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
