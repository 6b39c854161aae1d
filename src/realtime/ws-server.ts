import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
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

/** Close codes the websocket server uses besides the graphql-ws protocol's own. */
export const CLOSE_CODES = {
  /** The session was revoked (logout, logoutAll, password change or reset) or the access token expired. */
  SESSION_ENDED: 4401,
  /** The token given at connection was not valid (graphql-ws's Forbidden). */
  FORBIDDEN: 4403,
  /** Too many open sockets from this client address or for this member. */
  TOO_MANY_CONNECTIONS: 4029,
  /** A message larger than WS_MAX_PAYLOAD_BYTES (the websocket standard's "message too big"). */
  MESSAGE_TOO_BIG: 1009,
} as const;

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

interface SocketState {
  address: string;
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
  /** Subscription ids of per-member subscriptions, for the open-subscriptions gauge. */
  memberSubs: Set<string>;
}

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
    metrics,
    logger,
  });

  const states = new Map<WebSocket, SocketState>();
  const perAddress = new Map<string, number>();
  const perMember = new Map<number, number>();
  const bySession = new Map<string, Set<WebSocket>>();
  /** Sessions revoked in the last few seconds → when: a socket authenticated just before its
   * session's revocation arrived, but registered after it, is still closed. */
  const recentlyRevoked = new Map<string, number>();

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
    const at = Date.now();
    for (const [id, when] of recentlyRevoked) {
      if (at - when < 10_000) break;
      recentlyRevoked.delete(id);
    }
    for (const id of ids) {
      recentlyRevoked.delete(String(id));
      recentlyRevoked.set(String(id), at);
      for (const socket of bySession.get(String(id)) ?? []) {
        socket.close(CLOSE_CODES.SESSION_ENDED, 'Session ended');
      }
    }
  });
  await deps.subscriber.subscribe(revocations);

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
    const state: SocketState = { address: address(req), memberSubs: new Set() };
    // Socket errors are the client's (e.g. a message over the size limit, closed with 1009 by
    // ws itself): logged at debug, instead of graphql-ws's console.error for each.
    const onError = (err: Error) => logger.debug({ err, address: state.address }, 'socket error');
    socket.on('error', onError);
    queueMicrotask(() => {
      for (const listener of socket.listeners('error'))
        if (listener !== onError) socket.off('error', listener as (err: Error) => void);
    });
    states.set(socket, state);
    metrics.sockets.inc();
    const count = (perAddress.get(state.address) ?? 0) + 1;
    perAddress.set(state.address, count);
    socket.once('close', () => {
      states.delete(socket);
      metrics.sockets.dec();
      const left = (perAddress.get(state.address) ?? 1) - 1;
      if (left > 0) perAddress.set(state.address, left);
      else perAddress.delete(state.address);
      clearTimeout(state.expiry);
      for (let i = 0; i < state.memberSubs.size; i++) metrics.subscriptions.dec({ kind: 'member' });
      const viewer = state.viewer;
      if (viewer) {
        const n = (perMember.get(viewer.userId) ?? 1) - 1;
        if (n > 0) perMember.set(viewer.userId, n);
        else perMember.delete(viewer.userId);
        const sockets = bySession.get(viewer.sessionId);
        sockets?.delete(socket);
        if (sockets?.size === 0) bySession.delete(viewer.sessionId);
      }
    });
    if (count > limits.maxConnectionsPerAddress) {
      metrics.refused.inc('connections_per_address');
      socket.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, 'Too many connections from this address');
    }
  });

  // Every operation on a socket passes the same guard as on HTTP: limits, cost, validation.
  const guard: SubscribeGuard =
    hooks.guard ?? createOperationGuard(schema, config.graphql).wsOnSubscribe;

  const ws = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const state = states.get(socket);
        if (!state) return false;
        ctx.extra.ip = state.address;
        const params = ctx.connectionParams ?? {};
        const token =
          bearer(params.authorization ?? params.Authorization) ??
          (typeof params.token === 'string' ? params.token : undefined);
        if (!token) {
          ctx.extra.viewer = null;
          return true;
        }
        let viewer: Viewer;
        try {
          viewer = await deps.authenticate(token);
        } catch {
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        const count = (perMember.get(viewer.userId) ?? 0) + 1;
        perMember.set(viewer.userId, count);
        state.viewer = viewer;
        ctx.extra.viewer = viewer;
        let sockets = bySession.get(viewer.sessionId);
        if (!sockets) bySession.set(viewer.sessionId, (sockets = new Set()));
        sockets.add(socket);
        if (recentlyRevoked.has(viewer.sessionId)) {
          socket.close(CLOSE_CODES.SESSION_ENDED, 'Session ended');
          return false;
        }
        if (count > limits.maxConnectionsPerMember) {
          metrics.refused.inc('connections_per_member');
          socket.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, 'Too many connections for this member');
          return false;
        }
        // The socket lives no longer than its access token; the client reconnects with a new one.
        const exp = (jwt.decode(token) as { exp?: number } | null)?.exp;
        if (exp) {
          state.expiry = setTimeout(
            () => socket.close(CLOSE_CODES.SESSION_ENDED, 'Access token expired'),
            Math.max(0, exp * 1000 - Date.now()),
          );
          state.expiry.unref();
        }
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
          states.get(ctx.extra.socket)?.memberSubs.add(id);
          metrics.subscriptions.inc({ kind: 'member' });
        }
        return args;
      },
      subscribe: (args) =>
        args.rootValue instanceof FanoutTicket
          ? (args.rootValue.iterator as AsyncIterableIterator<never>)
          : subscribe(args),
      onComplete: (ctx, id) => {
        const state = states.get(ctx.extra.socket);
        if (state?.memberSubs.delete(id)) metrics.subscriptions.dec({ kind: 'member' });
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
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
      return states.size;
    },
    async dispose(): Promise<void> {
      httpServer.off('upgrade', onUpgrade);
      for (const state of states.values()) clearTimeout(state.expiry);
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
