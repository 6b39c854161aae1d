/**
 * A fix to kafkajs 2.2.4's request queue (its last release; kafkajs is no longer maintained, so
 * it cannot come from upstream), applied when src/clients/kafka.ts is first imported.
 *
 * `RequestQueue.scheduleCheckPendingRequests` arms a timer for `throttledUntil - Date.now()` even
 * when nothing waits and nothing is throttled: `throttledUntil` starts at -1, so the delay is
 * about −Date.now(). Node runs such a timer after 1 ms (Node 24 also prints a
 * TimeoutNegativeWarning), and the timer re-arms itself: every broker connection polled an empty
 * queue every millisecond for as long as it was open. The fixed version arms a timer only for
 * requests that wait, for as long as the client-side throttle lasts (at least kafkajs' 10 ms);
 * a request that has to wait arms it when it is queued, as before.
 */
interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_INTERVAL_MS = 10;

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_INTERVAL_MS,
  );
}

let applied = false;

/** Installs the fixed method on kafkajs' RequestQueue (idempotent). */
export function fixKafkaRequestQueue(): void {
  if (applied) return;
  applied = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as {
    prototype: RequestQueueLike;
  };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
