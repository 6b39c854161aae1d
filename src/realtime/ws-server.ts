import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  execute,
  getOperationAST,
  subscribe,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import jwt from 'jsonwebtoken';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { pubSubChannel, type ChannelSubscriber } from '../clients/pubsub';
import type { Config } from '../config';
import type { RequestContext, Viewer } from '../context';
import { AppError, UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import { SESSIONS_REVOKED } from '../schema/topics';
import { createClientAddress } from '../http/client-address';
import { isAllowedOrigin } from '../http/cors';
import { createOperationGuard } from '../http/operation-guard';
import { FanoutHub, type AnyTopic, type FanoutPlan } from './fanout';
import { createRealtimeMetrics } from './metrics';
import { SocketRegistry } from './sockets';
import { createSessionRecheck, withDeadline } from './session-recheck';

export { CLOSE_CODES } from './sockets';

/** graphql-ws's `onSubscribe`: turns a subscribe message into execution arguments or errors. */
export type SubscribeGuard = (
  ctx: Context<Record<string, unknown>, SocketExtra>,
  id: string,
  payload: SubscribePayload,
) => ExecutionArgs | readonly GraphQLError[] | Promise<ExecutionArgs | readonly GraphQLError[]>;

export interface RealtimeHooks {
  /** Runs first for every operation (default: parse and validate against the schema). */
  guard?: SubscribeGuard;
  /**
   * Whether the page that opens a socket may (default: CORS_ORIGINS, PUBLIC_URL's origin and
   * pages of this host). Refused upgrades get HTTP 403.
   */
  originAllowed?: (req: IncomingMessage) => boolean;
  /** The client address of an upgrade request, for the per-address cap. */
  clientAddress?: (req: IncomingMessage) => string;
}

export interface RealtimeDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  schema: GraphQLSchema;
  /** Resolves a bearer token to its viewer; throws UNAUTHENTICATED when it is not valid. */
  authenticate: (token: string) => Promise<Viewer>;
  /** Which of these sessions were revoked (the deny-list), for sockets that missed a message. */
  revokedSessions?: (sessionIds: string[]) => Promise<string[]>;
  createContext: (viewer: Viewer | null, ip: string) => RequestContext;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** A Redis connection of its own, put in subscriber mode (public frames and revocations). */
  subscriber: ChannelSubscriber;
  /** Subscription fields whose frames are the same for everyone: fanned out per frame. */
  topics: Record<string, AnyTopic>;
  hooks?: RealtimeHooks;
}

type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  viewer?: Viewer | null;
  ip?: string;
};

/** A fanned-out subscription's iterator, carried from `onSubscribe` to `subscribe`. */
class FanoutTicket {
  constructor(readonly iterator: AsyncIterableIterator<unknown>) {}
}

function bearer(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(value.trim())?.[1];
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'RATE_LIMITED' } });
}

/**
 * graphql-ws on `/graphql` of an HTTP server, with the limits a public socket needs: a frame
 * size limit, caps on subscriptions per socket and sockets per client address and per member,
 * anonymous sockets limited to public subscriptions, keep-alive pings, and sockets closed when
 * their session is revoked (on any instance, over Redis) or their access token expires. Public
 * subscriptions (e.g. `stockChanged`) go through the fan-out hub: one execution per frame.
 */
export async function createRealtimeServer(httpServer: Server, deps: RealtimeDeps) {
  const { config, logger, schema } = deps;
  const limits = config.realtime;
  const hooks = deps.hooks ?? {};
  const address = hooks.clientAddress ?? createClientAddress(config.http.trustedProxies);
  const originAllowed =
    hooks.originAllowed ??
    ((req: IncomingMessage) => isAllowedOrigin(config, req.headers.origin, req.headers.host));
  const metrics = createRealtimeMetrics(deps.registry, config.role);
  const formatError = (e: GraphQLError) => deps.formatError(e.toJSON(), e);
  const hub = new FanoutHub({
    schema,
    topics: deps.topics,
    subscriber: deps.subscriber,
    createContext: () => deps.createContext(null, 'internal'),
    formatError,
    sendBudget: limits.sendBudget,
    maxBufferedBytes: limits.maxBufferedBytes,
    metrics,
    logger,
  });

  const sockets = new SocketRegistry(limits, metrics);

  const revocations = pubSubChannel(config.redis.keyPrefix, SESSIONS_REVOKED);
  deps.subscriber.onMessage((channel, message) => {
    if (channel !== revocations) return;
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(ids)) return;
    sockets.revoke(ids);
  });
  await deps.subscriber.subscribe(revocations);
  const recheck = createSessionRecheck(sockets, deps, logger);
  // Pub/sub drops what was published while the subscriber was away: check again on return, and
  // every WS_SESSION_CHECK_MS in case a message was lost some other way.
  deps.subscriber.onResubscribed(() => void recheck());
  const recheckTimer =
    limits.sessionCheckMs > 0
      ? setInterval(() => void recheck(), limits.sessionCheckMs)
      : undefined;
  recheckTimer?.unref();

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/graphql') return void socket.destroy();
    if (!originAllowed(req)) {
      metrics.refused.inc('origin');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  httpServer.on('upgrade', onUpgrade);

  // Registered before graphql-ws's own handler: the per-address cap applies before anything else.
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const clientAddress = address(req);
    // Socket errors are the client's (e.g. a message over the size limit, closed with 1009 by
    // ws itself): logged at debug, instead of graphql-ws's console.error for each.
    const onError = (err: Error) => logger.debug({ err, address: clientAddress }, 'socket error');
    socket.on('error', onError);
    queueMicrotask(() => {
      for (const listener of socket.listeners('error'))
        if (listener !== onError) socket.off('error', listener as (err: Error) => void);
    });
    sockets.accept(socket, clientAddress);
  });

  // Every operation on a socket passes the same guard as on HTTP: limits, cost, validation.
  const guard: SubscribeGuard =
    hooks.guard ?? createOperationGuard(schema, config.graphql).wsOnSubscribe;

  const ws = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const clientAddress = sockets.addressOf(socket);
        if (clientAddress === undefined) return false;
        ctx.extra.ip = clientAddress;
        const params = ctx.connectionParams ?? {};
        const token =
          bearer(params.authorization ?? params.Authorization) ??
          (typeof params.token === 'string' ? params.token : undefined);
        if (!token) {
          if (!sockets.admitAnonymous(socket)) return false;
          ctx.extra.viewer = null;
          return true;
        }
        let viewer: Viewer;
        try {
          viewer = await deps.authenticate(token);
        } catch {
          return false;
        }
        // The socket lives no longer than its access token.
        const exp = (jwt.decode(token) as { exp?: number } | null)?.exp;
        if (!sockets.admit(socket, viewer, exp ? exp * 1000 : undefined)) return false;
        ctx.extra.viewer = viewer;
        return true;
      },
      context: (ctx) => deps.createContext(ctx.extra.viewer ?? null, ctx.extra.ip ?? 'unknown'),
      onSubscribe: async (ctx, id, payload) => {
        // The operation guard first (validation and cost, as over HTTP), then the socket's limits.
        const argsOrErrors = await guard(ctx, id, payload);
        if (Array.isArray(argsOrErrors)) return argsOrErrors as readonly GraphQLError[];
        // The new operation is already in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          metrics.refused.inc('subscriptions_per_connection');
          return [
            limitError(
              `At most ${limits.maxSubscriptionsPerConnection} operations at once on one connection`,
            ),
          ];
        }
        const args = argsOrErrors as ExecutionArgs;
        let plan: FanoutPlan | undefined;
        try {
          plan = hub.plan(args);
        } catch (err) {
          return [toGraphQLError(err)];
        }
        const viewer = ctx.extra.viewer ?? null;
        if (!plan && !viewer) {
          return [
            new UnauthenticatedError(
              'Anonymous websockets may only subscribe to public stock; connect with a token',
            ),
          ];
        }
        if (plan) {
          try {
            const iterator = await hub.join(plan, args, ctx.extra.socket, id);
            // No per-subscriber context or execution: the hub writes the frames.
            return { ...args, rootValue: new FanoutTicket(iterator), contextValue: null };
          } catch (err) {
            return [toGraphQLError(err)];
          }
        }
        if (getOperationAST(args.document, args.operationName)?.operation === 'subscription') {
          sockets.subscribed(ctx.extra.socket, id);
        }
        return args;
      },
      subscribe: (args) =>
        args.rootValue instanceof FanoutTicket
          ? (args.rootValue.iterator as AsyncIterableIterator<never>)
          : subscribe(args),
      // Queries and mutations: the same deadline as over HTTP.
      execute: (args) => withDeadline(execute(args), config.graphql.executionTimeoutMs),
      onComplete: (ctx, id) => sockets.completed(ctx.extra.socket, id),
      onNext: (ctx, _id, _payload, _args, result) => {
        // Backpressure for what graphql-ws writes itself (member subscriptions, query results).
        sockets.shedIfBacklogged(ctx.extra.socket);
        if (!result.errors?.length) return result;
        return { ...result, errors: result.errors.map((e) => formatError(e)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e)),
    },
    wss,
    limits.keepAliveMs,
  );

  return {
    hub,
    /** Open sockets of this server. */
    get sockets() {
      return sockets.size;
    },
    async dispose(): Promise<void> {
      httpServer.off('upgrade', onUpgrade);
      clearInterval(recheckTimer);
      sockets.dispose();
      await hub.close();
      await ws.dispose();
      await deps.subscriber.quit().catch(() => undefined);
    },
  };
}

function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof AppError || err instanceof GraphQLError) return err;
  return new GraphQLError('Internal server error', {
    originalError: err instanceof Error ? err : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

export type RealtimeServer = Awaited<ReturnType<typeof createRealtimeServer>>;
