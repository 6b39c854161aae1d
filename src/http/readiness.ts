import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
  /** Reported but not required: the instance stays ready while it is down. */
  optional?: boolean;
  /** How long a result stands (default 1 s): a burst of probes costs one check. */
  cacheMs?: number;
}

type State = 'ok' | 'down';

const withTimeout = <T>(p: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
};

/**
 * `/readyz`: each check's last result, rechecked at most once per `cacheMs` whatever the number
 * of probes (anonymous clients reach this route), answering only `ok` or `down`. What went wrong
 * is logged, never sent: error text names internal hosts.
 */
export function readinessRoute(checks: ReadinessCheck[], logger: Logger): RequestHandler {
  const cache = new Map<string, { at: number; state: Promise<State> }>();
  const stateOf = (c: ReadinessCheck): Promise<State> => {
    const hit = cache.get(c.name);
    if (hit && Date.now() - hit.at < (c.cacheMs ?? 1000)) return hit.state;
    const state = withTimeout(c.check(), 2000).then(
      () => 'ok' as const,
      (err: unknown) => {
        logger.warn({ err, check: c.name }, 'readiness check failed');
        return 'down' as const;
      },
    );
    cache.set(c.name, { at: Date.now(), state });
    return state;
  };
  return async (_req, res) => {
    const results = await Promise.all(checks.map(async (c) => [c, await stateOf(c)] as const));
    const ready = results.every(([c, state]) => c.optional || state === 'ok');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(results.map(([c, state]) => [c.name, state])),
    });
  };
}
