// What the page shown owns: undone when the router shows another page.
let leaving: (() => void)[] = [];

/** Runs `undo` (a timer's clear, a subscription's end) when the page changes. */
export function onLeave(undo: () => void): void {
  leaving.push(undo);
}

/** Undoes what the page shown started; the router calls it before the next page. */
export function leavePage(): void {
  for (const undo of leaving) undo();
  leaving = [];
}

/** Shows `hash`, also when it is the one shown (the router listens for `rocket-route`). */
export function go(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new Event('rocket-route'));
  else location.hash = hash;
}
