import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Role } from './entities/user.entity';

/** The member behind a request, from a verified and unrevoked access token. */
export interface Viewer {
  userId: number;
  role: Role;
  sessionId: string;
}

/**
 * Per-request state passed explicitly to services: a forked entity manager, the viewer, the
 * client's address (for rate limits) and a request id for logs. `loaders` holds this request's
 * DataLoaders, created lazily by whoever needs one.
 */
export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | null;
  requestId: string;
  ip: string;
  loaders: Map<string, unknown>;
}

export function createRequestContext(
  em: EntityManager,
  viewer: Viewer | null,
  ip = 'internal',
): RequestContext {
  return { em: em.fork(), viewer, requestId: randomUUID(), ip, loaders: new Map() };
}

/** The request's loader for `key`, built once per request. */
export function loader<T>(ctx: RequestContext, key: string, create: () => T): T {
  let found = ctx.loaders.get(key) as T | undefined;
  if (!found) {
    found = create();
    ctx.loaders.set(key, found);
  }
  return found;
}
