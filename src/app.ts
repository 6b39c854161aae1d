import type { GraphQLSchema } from 'graphql';
import type { Admin } from 'kafkajs';
import type { Config } from './config';
import { createRequestContext, type RequestContext, type Viewer } from './context';
import { createKafka } from './clients/kafka';
import { createMailer } from './clients/mailer';
import { createOrm, type Orm } from './clients/orm';
import { createPubSub, createSubscriber, pubSubChannel } from './clients/pubsub';
import { createRedis } from './clients/redis';
import { AppError } from './errors';
import { createMetrics, type Metrics } from './http/metrics';
import { createHttpServer, type HttpServer } from './http/server';
import { verifyEmailPage } from './http/pages';
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
import { AuthResolver } from './resolvers/auth.resolver';
import { CartResolver } from './resolvers/cart.resolver';
import { LikeResolver } from './resolvers/like.resolver';
import { ProductResolver } from './resolvers/product.resolver';
import { OrderStatusResolver } from './resolvers/order-status.resolver';
import { OrderItemResolver, OrderResolver } from './resolvers/order.resolver';
import { SystemResolver } from './resolvers/system.resolver';
import { UserResolver } from './resolvers/user.resolver';
import { PurchaseResolver } from './resolvers/purchase.resolver';
import { StockResolver } from './resolvers/stock.resolver';
import { PaymentAuditResolver } from './resolvers/payment-audit.resolver';
import { buildAppSchema } from './schema/build-schema';
import { AuthService } from './services/members/auth.service';
import { CartService } from './services/catalog/cart.service';
import { LikeService } from './services/catalog/like.service';
import { ProductService } from './services/catalog/product.service';
import { FieldCipher } from './services/common/field-cipher';
import { MailService } from './services/mail/mail.service';
import { OrderStatusNotifier } from './services/orders/status-notifier';
import { OrderLifecycleService } from './services/orders/lifecycle.service';
import { OrderService } from './services/orders/order.service';
import { PasswordHasher } from './services/members/password-hasher';
import { RateLimitService } from './services/common/rate-limit.service';
import { PaymentEventPublisher } from './services/payments/events';
import { PaymentAuditService } from './services/payments/audit.service';
import { PaymentDeadLetters } from './services/payments/dead-letters';
import { PaymentRefundService } from './services/payments/refund.service';
import { SimulatedPaymentProvider } from './services/payments/provider';
import { PaymentService } from './services/payments/payment.service';
import { ReservationService } from './services/sale/reservation.service';
import { isFinalFrame, StockService, type StockFrame } from './services/sale/stock.service';
import { TokenService } from './services/members/token.service';
import { UserService } from './services/members/user.service';
import { createMailWorker } from './workers/mail.worker';
import { createOrderWriter } from './workers/order-writer.worker';
import {
  createPaymentRecovery,
  createPaymentRefunds,
  createPaymentRelay,
} from './workers/payment-relay.worker';
import { createExpirySweeper } from './workers/sweeper.worker';
import { createOrderSchedulerWorker } from './workers/order-scheduler.worker';
import type { Worker } from './workers/poller';

export interface AppOverrides {
  logger?: Logger;
  /** Hooks of the websocket server (operation guard, origin check, client address). */
  realtime?: RealtimeHooks;
}

export interface App {
  config: Config;
  orm: Orm;
  logger: Logger;
  services: Awaited<ReturnType<typeof createServices>>;
  /** The websocket server, when this role serves websockets. */
  realtime?: RealtimeServer;
  /** Starts the workers of the role and, unless the role is `worker`, serves HTTP on `port`. */
  start(port?: number): Promise<{ port: number }>;
  stop(): Promise<void>;
}

async function createServices(config: Config, logger: Logger, metrics: Metrics) {
  const orm = await createOrm(config.mysql, logger);
  const redis = createRedis(config.redis);
  await redis.connect();
  const pubSub = createPubSub(config.redis);
  const kafka = createKafka(config.kafka, logger);
  const mailer = createMailer(config.mail);

  const cipher = new FieldCipher(config.auth.dataKey);
  const tokens = new TokenService(config.auth, redis);
  const mail = new MailService(config, cipher, mailer, logger.child({ component: 'mail' }));
  const rateLimits = new RateLimitService(redis, config.rateLimit);
  const hasher = new PasswordHasher(config.auth.argon2);
  const auth = new AuthService(
    config,
    hasher,
    tokens,
    mail,
    rateLimits,
    logger.child({ component: 'auth' }),
  );
  const users = new UserService(cipher);
  const orderStatus = new OrderStatusNotifier(pubSub, {
    kafka,
    config: config.kafka,
    em: orm.em,
    logger: logger.child({ component: 'order-events' }),
  });
  const stock = new StockService(redis, config.redis.keyPrefix, config.sale.stockFrameMs);
  const reservations = new ReservationService(redis, stock, pubSub, config.sale);
  const paymentProvider = new SimulatedPaymentProvider(
    { declineRate: config.payment.declineRate, latencyMs: config.payment.latencyMs },
    redis,
  );
  const paymentEvents = new PaymentEventPublisher(
    kafka,
    orm.em,
    config,
    logger.child({ component: 'payment-events' }),
  );
  const payments = new PaymentService(
    redis,
    reservations,
    paymentProvider,
    paymentEvents,
    config,
    logger.child({ component: 'payments' }),
  );
  const refunds = new PaymentRefundService(
    orm.em,
    paymentProvider,
    reservations,
    config.payment,
    metrics.registry,
    logger.child({ component: 'refunds' }),
  );
  const deadLetters = new PaymentDeadLetters(kafka, config.kafka);
  const audit = new PaymentAuditService(orm.em, paymentProvider);
  const orderLifecycle = new OrderLifecycleService(
    config.orders,
    stock,
    orderStatus,
    refunds,
    logger.child({ component: 'orders' }),
  );
  const orders = new OrderService(orderLifecycle);
  const products = new ProductService(stock);
  const likes = new LikeService();
  const carts = new CartService();

  return {
    orm,
    redis,
    pubSub,
    kafka,
    mailer,
    cipher,
    tokens,
    mail,
    rateLimits,
    hasher,
    auth,
    users,
    orderStatus,
    stock,
    reservations,
    paymentProvider,
    paymentEvents,
    payments,
    refunds,
    deadLetters,
    audit,
    orderLifecycle,
    orders,
    products,
    likes,
    carts,
  };
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

  const workers: Worker[] = [];
  if (runWorkers) {
    workers.push(
      createMailWorker({ em: orm.em, mail: services.mail, logger }, config.mail.pollIntervalMs),
    );
    workers.push(
      createOrderWriter({
        kafka,
        em: orm.em,
        redis,
        orderStatus: services.orderStatus,
        refunds: services.refunds,
        config,
        logger,
      }),
      createExpirySweeper(services.reservations, config.sale.sweeperIntervalMs, logger),
      createPaymentRelay(services.paymentEvents, config.sale.outboxPollIntervalMs, logger),
      createPaymentRecovery(services.payments, orm.em, config.payment.recoveryIntervalMs, logger),
      createPaymentRefunds(services.refunds, config.payment.refundIntervalMs, logger),
    );
    workers.push(
      createOrderSchedulerWorker(
        { em: orm.em, lifecycle: services.orderLifecycle, notifier: services.orderStatus, logger },
        config.orders.schedulerIntervalMs,
      ),
    );
  }

  const context = (viewer: Viewer | null, ip: string): RequestContext =>
    createRequestContext(orm.em, viewer, ip);

  let apiSchema: GraphQLSchema | undefined;
  if (serveApi || serveWebsockets) {
    const purchaseResolver = new PurchaseResolver(services.reservations, services.payments);
    const stockResolver = new StockResolver(services.stock, pubSub);
    apiSchema = await buildAppSchema({
      container: registry([
        new SystemResolver(),
        new AuthResolver(services.auth),
        new UserResolver(services.users),
        new OrderStatusResolver(),
        purchaseResolver,
        stockResolver,
        new PaymentAuditResolver(services.audit),
        new OrderResolver(services.orders),
        new OrderItemResolver(),
        new ProductResolver(services.products, services.likes),
        new CartResolver(services.carts),
        new LikeResolver(services.likes),
      ]),
      pubSub,
    });
    PurchaseResolver.bindToSchema(apiSchema, purchaseResolver);
    StockResolver.bindToSchema(apiSchema, stockResolver);
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
          app.get('/verify-email', async (req, res) => {
            const token = typeof req.query.token === 'string' ? req.query.token : '';
            try {
              const user = await services.auth.verifyEmail(
                context(null, clientAddress(req)),
                token,
              );
              res.type('html').send(verifyEmailPage(true, user.email));
            } catch (err) {
              if (!(err instanceof AppError)) logger.error({ err }, 'verify-email page failed');
              res.status(400).type('html').send(verifyEmailPage(false));
            }
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
      await services.orderStatus.close().catch(() => undefined);
      await kafkaAdmin?.disconnect().catch(() => undefined);
      await pubSub.close().catch(() => undefined);
      await redis.quit().catch(() => undefined);
      mailer.close();
      await orm.close(true);
      logger.info('rocket mart stopped');
    },
  };
}

function registry(instances: object[]) {
  const byClass = new Map<unknown, object>(instances.map((i) => [i.constructor, i]));
  return {
    get(cls: unknown) {
      const found = byClass.get(cls);
      if (!found)
        throw new Error(`No instance registered for ${String((cls as { name?: string }).name)}`);
      return found;
    },
  };
}
