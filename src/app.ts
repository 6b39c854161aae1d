import type { GraphQLSchema } from 'graphql';
import type { Admin } from 'kafkajs';
import type { Config } from './config';
import { createRequestContext, type RequestContext, type Viewer } from './context';
import type { Orm } from './clients/orm';
import { createSubscriber, pubSubChannel } from './clients/pubsub';
import { createMetrics } from './http/metrics';
import { createHttpServer, type HttpServer } from './http/server';
import { mailPageRoutes } from './http/mail-pages';
import { unsubscribeRoutes } from './http/unsubscribe';
import { webRoutes } from './http/web';
import { createErrorFormatter } from './http/format-error';
import { createOperationGuard } from './http/operation-guard';
import {
  createRealtimeServer,
  type RealtimeHooks,
  type RealtimeServer,
} from './realtime/ws-server';
import { toId } from './schema/product.inputs';
import { TOPICS } from './schema/topics';
import { createLogger, type Logger } from './logger';
import { buildAppSchema } from './schema/build-schema';
import { createResolvers, resolverContainer } from './resolvers';
import { createServices, type Services } from './services';
import { createWorkers } from './workers';
import { isFinalFrame, type StockFrame } from './services/sale/stock.service';
import { isUrgentFrame, type RoomFrame } from './services/sale/room.types';
import { isFinalLifecycleFrame } from './services/notify/drop-lifecycle';

export interface AppOverrides {
  logger?: Logger;
  /** Hooks of the websocket server (operation guard, origin check, client address). */
  realtime?: RealtimeHooks;
}

export interface App {
  config: Config;
  orm: Orm;
  logger: Logger;
  services: Services;
  /** The websocket server, when this role serves websockets. */
  realtime?: RealtimeServer;
  /** Starts the workers of the role and, unless the role is `worker`, serves HTTP on `port`. */
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * The composition root: config → clients → services → resolvers → schema → servers.
 * The same app runs the `api`, `worker`, `realtime` or `all` role; tests start it on port 0.
 * `api` serves GraphQL over HTTP (and websockets unless API_SERVES_WEBSOCKETS=false),
 * `realtime` serves websockets only, `worker` runs the workers, `all` does everything.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config);
  const metrics = createMetrics();
  const services = await createServices(config, logger, metrics);
  const { orm, redis, pubSub, kafka, mailer } = services;
  const serveApi = config.role === 'api' || config.role === 'all';
  const serveWebsockets =
    config.role === 'realtime' ||
    config.role === 'all' ||
    (config.role === 'api' && config.realtime.apiServesWebsockets);
  const runWorkers = config.role === 'worker' || config.role === 'all';

  const workers = runWorkers ? createWorkers({ config, services, logger }) : [];

  const resolvers = createResolvers(services);
  const context = (viewer: Viewer | null, ip: string): RequestContext =>
    createRequestContext(orm.em, viewer, ip, resolvers);

  let apiSchema: GraphQLSchema | undefined;
  if (serveApi || serveWebsockets) {
    apiSchema = await buildAppSchema({ container: resolverContainer(resolvers), pubSub });
  }
  // One guard for both transports: one set of rules and one cost cache per process.
  const guard = apiSchema && createOperationGuard(apiSchema, config.graphql);

  let kafkaAdmin: Admin | undefined;
  let realtime: RealtimeServer | undefined;
  let http: HttpServer | undefined;
  http = await createHttpServer({
    config,
    logger,
    metrics,
    readiness: [
      { name: 'mysql', check: () => orm.em.getConnection().execute('select 1') },
      { name: 'redis', check: () => redis.ping() },
      // A realtime process never talks to Kafka.
      ...(serveApi || runWorkers
        ? [
            {
              name: 'kafka',
              // The API writes what Kafka must carry to outboxes and rides out a broker outage;
              // only the workers that consume from it need it to be ready.
              optional: config.role === 'api',
              // A Kafka admin round trip is dear: probes in between see the last result.
              cacheMs: 5000,
              check: async () => {
                kafkaAdmin ??= kafka.admin();
                await kafkaAdmin.connect();
                await kafkaAdmin.describeCluster();
              },
            },
          ]
        : []),
    ],
    websockets:
      serveWebsockets && apiSchema
        ? async (httpServer, clientAddress) => {
            const schema = apiSchema;
            const subscriber = createSubscriber(config.redis, 'realtime');
            realtime = await createRealtimeServer(httpServer, {
              config,
              logger: logger.child({ component: 'realtime' }),
              registry: metrics.registry,
              schema,
              authenticate: (token) => services.tokens.verifyAccess(token),
              revokedSessions: (ids) => services.tokens.revokedAmong(ids),
              createContext: context,
              formatError: createErrorFormatter(logger),
              subscriber,
              topics: {
                stockChanged: {
                  channel: (args: { productId: string }) =>
                    pubSubChannel(
                      config.redis.keyPrefix,
                      TOPICS.STOCK_CHANGED,
                      toId(args.productId, 'productId'),
                    ),
                  current: (args: { productId: string }) =>
                    services.stock.snapshot(orm.em.fork(), toId(args.productId, 'productId')),
                  isFinal: (frame: StockFrame) => isFinalFrame(frame),
                },
                // One frame per tick per room; a state change (urgent) skips the send spacing.
                waitingRoom: {
                  channel: (args: { productId: string }) =>
                    pubSubChannel(
                      config.redis.keyPrefix,
                      TOPICS.WAITING_ROOM,
                      toId(args.productId, 'productId'),
                    ),
                  current: (args: { productId: string }) =>
                    services.rooms.snapshot(orm.em.fork(), toId(args.productId, 'productId')),
                  isFinal: (frame: RoomFrame) => isUrgentFrame(frame),
                },
                dropLifecycle: {
                  channel: (args: { productId: string }) =>
                    pubSubChannel(
                      config.redis.keyPrefix,
                      TOPICS.DROP_LIFECYCLE,
                      toId(args.productId, 'productId'),
                    ),
                  current: (args: { productId: string }) =>
                    services.dropLifecycle.current(
                      orm.em.fork(),
                      toId(args.productId, 'productId'),
                    ),
                  isFinal: isFinalLifecycleFrame,
                },
              },
              hooks: { clientAddress, guard: guard?.wsOnSubscribe, ...overrides.realtime },
            });
            return realtime;
          }
        : undefined,
    graphql:
      apiSchema && guard && serveApi
        ? {
            schema: apiSchema,
            guard,
            authenticate: (token) => services.tokens.verifyAccess(token),
            createContext: context,
          }
        : undefined,
    routes: serveApi
      ? (app, clientAddress) => {
          webRoutes(app, config);
          unsubscribeRoutes(app, services.notify, orm.em, logger);
          mailPageRoutes(app, {
            auth: services.auth,
            context: (req) => context(null, clientAddress(req)),
            logger,
          });
        }
      : undefined,
  });

  let stopped = false;
  return {
    config,
    orm,
    logger,
    services,
    get realtime() {
      return realtime;
    },
    async start(port = config.http.port) {
      for (const worker of workers) await worker.start();
      const bound = await http!.listen(port);
      logger.info({ port: bound }, 'rocket mart started');
      return { port: bound };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Stop taking requests first, then let workers finish their batch, then close clients.
      await http?.close();
      http = undefined;
      await Promise.all(workers.map((w) => w.stop()));
      services.stock.stop();
      await services.paymentEvents.stop();
      await services.orderStatus.outbox.stop().catch(() => undefined);
      await kafkaAdmin?.disconnect().catch(() => undefined);
      await pubSub.close().catch(() => undefined);
      await redis.quit().catch(() => undefined);
      mailer.close();
      await orm.close(true);
      logger.info('rocket mart stopped');
    },
  };
}
