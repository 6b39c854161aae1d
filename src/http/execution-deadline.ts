import type { NextFunction, Request, Response } from 'express';

/**
 * A response deadline for GraphQL over HTTP: an operation still running after `ms` is answered
 * with 503 and code TIMEOUT, so a client never waits longer than that. graphql-js cannot stop a
 * resolver that has started; each statement it sends has its own timeout (Redis commands,
 * MySQL reads), and whatever the operation still writes is dropped. One timer per request, so
 * the deadline costs nothing per field.
 */
export function responseDeadline(ms: number) {
  const body = JSON.stringify({
    errors: [
      { message: `The operation ran past its ${ms} ms deadline`, extensions: { code: 'TIMEOUT' } },
    ],
  });
  return (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.status(503).type('application/json').send(body);
      // The operation's own answer, when it comes, has nowhere to go.
      res.setHeader = () => res;
      res.send = () => res;
      res.write = () => true;
      res.end = () => res;
    }, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
