import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Config } from '../config';
import type { RequestContext, Viewer } from '../context';
import { AppError, isUnavailable, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { createErrorFormatter } from './format-error';
import { graphqlCorsHeaders } from './cors';
import { createGraphqlPost, errorBody, isPlainGraphqlPost } from './graphql-post';
import { compileTrust, createClientAddress, type ClientAddress } from './client-address';
import { responseDeadline } from './execution-deadline';
import type { OperationGuard } from './operation-guard';
import type { Metrics } from './metrics';
import { readinessRoute, type ReadinessCheck } from './readiness';
import { landingPage, securityHeaders } from './security-headers';

export type { ReadinessCheck } from './readiness';

export interface HttpDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** GraphQL is served only when a schema is given (the `api` and `all` roles). */
  graphql?: {
    schema: GraphQLSchema;
    /** The operation guard the websockets use too (src/http/operation-guard.ts). */
    guard: OperationGuard;
    /** Resolves a bearer token to its viewer; throws UNAUTHENTICATED when it is not valid. */
    authenticate: (token: string) => Promise<Viewer>;
    createContext: (viewer: Viewer | null, ip: string) => RequestContext;
  };
  /** Extra routes (e.g. the page a verification link opens). */
  routes?: (app: express.Express, clientAddress: ClientAddress) => void;
  /** Websockets on the same server and port (src/realtime), disposed first on close. */
  websockets?: (
    httpServer: Server,
    clientAddress: ClientAddress,
  ) => Promise<{ dispose(): Promise<void> }>;
}

function bearer(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * A bad, expired or revoked token is the client's mistake: 401 with UNAUTHENTICATED. Apollo
 * answers 500 for anything else the context function throws, which is right for our own faults
 * (e.g. Redis down) only.
 */
async function authenticateHttp(
  authenticate: (token: string) => Promise<Viewer>,
  token: string,
): Promise<Viewer> {
  try {
    return await authenticate(token);
  } catch (err) {
    if (err instanceof AppError && err.code === 'UNAUTHENTICATED') {
      throw new GraphQLError(err.message, {
        extensions: { code: err.code, http: { status: 401 } },
      });
    }
    // The session deny-list could not be read (e.g. Redis failing over): 503, retry.
    if (isUnavailable(err)) throw new ServiceUnavailableError();
    throw err;
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = createHash('sha256')
    .update(given ?? '')
    .digest();
  const b = createHash('sha256').update(expected).digest();
  return given !== undefined && timingSafeEqual(a, b);
}

/**
 * One HTTP server and port: GraphQL over HTTP and (src/realtime) websockets on `/graphql`,
 * `/healthz`, `/readyz` and `/metrics`. `stop` closes websockets, then drains HTTP requests.
 */
export async function createHttpServer(deps: HttpDeps) {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  const clientAddress = createClientAddress(config.http.trustedProxies);
  // Express's req.ip agrees with clientAddress(req): same setting, same proxy-addr.
  app.set('trust proxy', compileTrust(config.http.trustedProxies));
  // GraphQL POSTs with a JSON body go straight to Apollo (graphql-post.ts); the rest to Express.
  let graphqlPost: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const httpServer: Server = createServer((req, res) => {
    if (graphqlPost && isPlainGraphqlPost(req)) void graphqlPost(req, res);
    else app(req, res);
  });
  const formatError = createErrorFormatter(logger);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessRoute(deps.readiness, logger));
  // /metrics on the main port, or alone on its own port (e.g. reachable only inside the cluster).
  const metricsApp = config.http.metricsPort > 0 ? express() : app;
  const metricsServer = metricsApp === app ? undefined : createServer(metricsApp);
  // In production the public port serves metrics only behind a token.
  const metricsOff = config.env === 'production' && !metricsServer && !config.http.metricsToken;
  if (metricsOff) logger.warn('/metrics is off: set METRICS_PORT (internal) or METRICS_TOKEN');
  else
    metricsApp.get('/metrics', async (req, res) => {
      if (
        config.http.metricsToken &&
        !sameSecret(bearer(req.headers.authorization), config.http.metricsToken)
      ) {
        res.status(401).type('text/plain').send('metrics need a bearer token\n');
        return;
      }
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });
  deps.routes?.(app, clientAddress);

  const websockets = await deps.websockets?.(httpServer, clientAddress);
  let apollo: ApolloServer<RequestContext> | undefined;
  if (deps.graphql) {
    const gql = deps.graphql;
    const { guard } = gql;
    apollo = new ApolloServer<RequestContext>({
      schema: gql.schema,
      formatError,
      includeStacktraceInErrorResponses: false,
      introspection: config.graphql.introspection,
      hideSchemaDetailsFromClientErrors: !config.graphql.suggestions,
      parseOptions: guard.parseOptions,
      validationRules: guard.validationRules,
      // The process's own signal handler stops the whole app in order (src/main.ts).
      stopOnTerminationSignals: false,
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        // Answers are per member and never cached by HTTP caches; without this, Apollo wraps
        // every field resolver to compute cache hints nobody reads.
        ApolloServerPluginCacheControlDisabled(),
        guard.apolloPlugin,
        deps.metrics.plugin,
        // Production: a page of our own, no script (introspection is off there anyway).
        config.env === 'production'
          ? landingPage()
          : ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true }),
      ],
    });
    await apollo.start();
    const deadline = responseDeadline(config.graphql.executionTimeoutMs);
    const context = async (req: IncomingMessage) => {
      const token = bearer(req.headers.authorization);
      const viewer = token ? await authenticateHttp(gql.authenticate, token) : null;
      return gql.createContext(viewer, clientAddress(req));
    };
    const corsHeaders = graphqlCorsHeaders(config);
    graphqlPost = createGraphqlPost({
      apollo,
      limit: config.http.bodyLimit,
      context,
      prepare: (req, res) => {
        deadline(req, res);
        corsHeaders(req, res);
      },
      onError: (err) => logger.error({ err }, 'http error'),
    });
    app.use(
      '/graphql',
      deadline,
      express.json({ limit: config.http.bodyLimit }),
      expressMiddleware<RequestContext>(
        apollo as unknown as ApolloServer<BaseContext> & ApolloServer<RequestContext>,
        { context: ({ req }) => context(req) },
      ),
    );
  }

  // Body-parser and other middleware errors answer as GraphQL-shaped JSON, never as HTML.
  app.use(
    (
      err: Error & { status?: number; type?: string },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      // Already answered (e.g. TIMEOUT by the response deadline): nothing more to send.
      if (res.headersSent) return;
      const status = err.status ?? 500;
      const code =
        status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status < 500
            ? 'BAD_REQUEST'
            : 'INTERNAL_SERVER_ERROR';
      if (status >= 500) logger.error({ err }, 'http error');
      res
        .status(status)
        .type('application/json')
        .send(errorBody(status < 500 ? err.message : 'Internal server error', code));
    },
  );

  return {
    httpServer,
    async listen(port: number, host = config.http.host): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      if (metricsServer) {
        await new Promise<void>((resolve, reject) => {
          metricsServer.once('error', reject);
          metricsServer.listen(config.http.metricsPort, host, () => resolve());
        });
      }
      return (httpServer.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      await websockets?.dispose();
      if (metricsServer?.listening) {
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        metricsServer.closeAllConnections();
      }
      if (apollo) await apollo.stop();
      else if (httpServer.listening) {
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
      }
    },
  };
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
