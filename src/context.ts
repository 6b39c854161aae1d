import type { EntityManager } from '@mikro-orm/mysql';
import type { Role } from './entities/user.entity';

/** The member behind a request, from a verified and unrevoked access token. */
export interface Viewer {
  userId: number;
  role: Role;
  sessionId: string;
}

/** The app's resolver instances by class: the ones type-graphql calls for `resolve`. */
export type ResolverInstances = ReadonlyMap<unknown, object>;

/**
 * Per-request state passed explicitly to services: a forked entity manager (forked when first
 * read), the viewer and the client's address (for rate limits). `loaders`
 * holds this request's DataLoaders, created lazily by whoever needs one. `resolvers` lets a subscription's `subscribe`
 * option (which type-graphql calls without a resolver instance) reach its resolver.
 */
export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | null;
  ip: string;
  loaders: Map<string, unknown>;
  resolvers: ResolverInstances;
}

export function createRequestContext(
  em: EntityManager,
  viewer: Viewer | null,
  ip = 'internal',
  resolvers: ResolverInstances = new Map(),
): RequestContext {
  return new LazyForkContext(em, viewer, ip, resolvers);
}

/**
 * The entity manager is forked on first use: most requests (a purchase, a pay, a subscription
 * frame) never touch the ORM. The getter sits on the prototype because Apollo Server copies the
 * context's own properties into a clone for each operation (`Object.assign`), which would call an
 * own getter and fork every time; the clone keeps this prototype, so it forks on first use too.
 */
class LazyForkContext implements RequestContext {
  private forked: EntityManager | undefined;
  readonly loaders = new Map<string, unknown>();

  constructor(
    private readonly root: EntityManager,
    readonly viewer: Viewer | null,
    readonly ip: string,
    readonly resolvers: ResolverInstances,
  ) {}

  get em(): EntityManager {
    return (this.forked ??= this.root.fork());
  }
}

/** The app's instance of a resolver class, for a subscription's `subscribe` option. */
export function resolverOf<T>(ctx: RequestContext, cls: abstract new (...args: never[]) => T): T {
  return instanceOf(ctx.resolvers, cls) as T;
}

/** The instance of a resolver class; a class without one is a wiring mistake. */
export function instanceOf(instances: ResolverInstances, cls: unknown): object {
  const found = instances.get(cls);
  if (!found)
    throw new Error(`No instance registered for ${String((cls as { name?: string }).name)}`);
  return found;
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
