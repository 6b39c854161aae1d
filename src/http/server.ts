import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type GraphQLSchema } from 'graphql';
import type { Config } from '../config';
import type { RequestContext, Viewer } from '../context';
import type { Logger } from '../logger';
import { createErrorFormatter } from './format-error';
import { queryLimitsPlugin } from './graphql-limits';
import type { Metrics } from './metrics';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

export interface HttpDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** GraphQL is served only when a schema is given (the `api` and `all` roles). */
  graphql?: {
    schema: GraphQLSchema;
    /** Resolves a bearer token to its viewer; throws UNAUTHENTICATED when it is not valid. */
    authenticate: (token: string) => Promise<Viewer>;
    createContext: (viewer: Viewer | null, ip: string) => RequestContext;
  };
  /** Extra routes (e.g. the page a verification link opens). */
  routes?: (app: express.Express) => void;
  /** Websockets on the same server and port (src/realtime), disposed first on close. */
  websockets?: (httpServer: Server) => Promise<{ dispose(): Promise<void> }>;
}

function bearer(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms),
    ),
  ]);

/**
 * One HTTP server and port: GraphQL over HTTP and (src/realtime) websockets on `/graphql`,
 * `/healthz`, `/readyz` and `/metrics`. `stop` closes websockets, then drains HTTP requests.
 */
export async function createHttpServer(deps: HttpDeps) {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  const httpServer: Server = createServer(app);
  const formatError = createErrorFormatter(logger);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, `down: ${(err as Error).message}`] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  deps.routes?.(app);

  const websockets = await deps.websockets?.(httpServer);
  let apollo: ApolloServer<RequestContext> | undefined;
  if (deps.graphql) {
    const gql = deps.graphql;
    apollo = new ApolloServer<RequestContext>({
      schema: gql.schema,
      formatError,
      includeStacktraceInErrorResponses: false,
      introspection: true,
      // The process's own signal handler stops the whole app in order (src/main.ts).
      stopOnTerminationSignals: false,
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        // Answers are per member and never cached by HTTP caches; without this, Apollo wraps
        // every field resolver to compute cache hints nobody reads.
        ApolloServerPluginCacheControlDisabled(),
        queryLimitsPlugin(gql.schema, config.http),
        deps.metrics.plugin,
        config.env === 'production'
          ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
          : ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true }),
      ],
    });
    await apollo.start();
    app.use(
      '/graphql',
      express.json({ limit: config.http.bodyLimit }),
      expressMiddleware<RequestContext>(
        apollo as unknown as ApolloServer<BaseContext> & ApolloServer<RequestContext>,
        {
          context: async ({ req }) => {
            const token = bearer(req.headers.authorization);
            const viewer = token ? await gql.authenticate(token) : null;
            return gql.createContext(viewer, req.ip ?? 'unknown');
          },
        },
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
      const status = err.status ?? 500;
      const code =
        status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status < 500
            ? 'BAD_REQUEST'
            : 'INTERNAL_SERVER_ERROR';
      if (status >= 500) logger.error({ err }, 'http error');
      res.status(status).json({
        errors: [
          { message: status < 500 ? err.message : 'Internal server error', extensions: { code } },
        ],
      });
    },
  );

  return {
    httpServer,
    async listen(port: number, host = config.http.host): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      return (httpServer.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      await websockets?.dispose();
      if (apollo) await apollo.stop();
      else if (httpServer.listening) {
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
      }
    },
  };
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
