import type { ExecutionResult } from 'graphql';
import type { PromiseOrValue } from 'graphql/jsutils/PromiseOrValue';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { SocketRegistry } from './sockets';

/**
 * Checks the sessions of every open member socket against the deny-list and closes those that
 * were revoked: a revocation's pub/sub message can be lost (a subscriber reconnect, a shard
 * failover), the deny-list cannot. One check at a time; a failed check is logged and retried
 * at the next turn.
 */
export function createSessionRecheck(
  sockets: Pick<SocketRegistry, 'sessionIds' | 'revoke'>,
  deps: { revokedSessions?: (sessionIds: string[]) => Promise<string[]> },
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = async () => {
    const ids = sockets.sessionIds();
    if (!ids.length || !deps.revokedSessions) return;
    try {
      const revoked = await deps.revokedSessions(ids);
      if (revoked.length) sockets.revoke(revoked);
    } catch (err) {
      logger.warn({ err }, 'session re-check failed');
    }
  };
  return () => (running ??= run().finally(() => (running = undefined)));
}

/**
 * An operation's result, or TIMEOUT once it has run `ms`: a websocket operation gets the
 * deadline an HTTP request gets (src/http/execution-deadline.ts). As there, the resolvers that
 * started are not stopped; their late result is dropped.
 */
export async function withDeadline(
  result: PromiseOrValue<ExecutionResult>,
  ms: number,
): Promise<ExecutionResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          errors: [new AppError('TIMEOUT', `The operation ran past its ${ms} ms deadline`)],
        }),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve(result), late]);
  } finally {
    clearTimeout(timer);
  }
}
