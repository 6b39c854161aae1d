import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A response deadline for GraphQL over HTTP: an operation still running after `ms` is answered
 * with 503 and code TIMEOUT, so a client never waits longer than that. graphql-js cannot stop a
 * resolver that has started; each statement it sends has its own timeout (Redis commands,
 * MySQL reads), and whatever the operation still writes is dropped.
 *
 * One sweep over the requests in flight, at most every 100 ms, instead of a timer and a listener
 * per request: the sale's hot path pays one map insert.
 */
export function responseDeadline(ms: number) {
  const body = JSON.stringify({
    errors: [
      { message: `The operation ran past its ${ms} ms deadline`, extensions: { code: 'TIMEOUT' } },
    ],
  });
  // Insertion order is deadline order: every request gets the same `ms`.
  const inFlight = new Map<ServerResponse, number>();
  let sweeper: NodeJS.Timeout | undefined;

  const answer = (res: ServerResponse & { send?: unknown }) => {
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(body);
    // The operation's own answer, when it comes, has nowhere to go.
    res.setHeader = () => res;
    if (res.send) res.send = () => res;
    res.write = () => true;
    res.end = () => res;
  };
  const sweep = () => {
    const now = Date.now();
    for (const [res, deadline] of inFlight) {
      if (res.headersSent || res.destroyed) inFlight.delete(res);
      else if (deadline <= now) {
        inFlight.delete(res);
        answer(res);
      }
    }
    if (!inFlight.size) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  // Express middleware, or called without `next` by the direct GraphQL POST handler.
  return (_req: IncomingMessage, res: ServerResponse, next?: () => void) => {
    inFlight.set(res, Date.now() + ms);
    sweeper ??= setInterval(sweep, Math.min(100, ms)).unref();
    next?.();
  };
}
