import type { Config } from '../config';
import { createKafka } from '../clients/kafka';
import { createMailer } from '../clients/mailer';
import { createOrm } from '../clients/orm';
import { createPubSub } from '../clients/pubsub';
import { createRedis } from '../clients/redis';
import { DropCounters } from './ops/drop-counters';
import { OperatorService } from './ops/operator.service';
import type { Metrics } from '../http/metrics';
import type { Logger } from '../logger';
import { AuthService } from './members/auth.service';
import { CartService } from './catalog/cart.service';
import { LikeService } from './catalog/like.service';
import { ProductService } from './catalog/product.service';
import { FieldCipher } from './common/field-cipher';
import { MailService } from './mail/mail.service';
import { DropLifecycle } from './notify/drop-lifecycle';
import { NoticeService } from './notify/notice.service';
import { NotifyRequests } from './notify/notify-requests';
import { NotifyService } from './notify/notify.service';
import { RestockAnnouncer } from './notify/restock-announcer';
import { UnsubscribeTokens } from './notify/unsubscribe-token';
import { OrderStatusNotifier } from './orders/status-notifier';
import { OrderLifecycleService } from './orders/lifecycle.service';
import { OrderService } from './orders/order.service';
import { OrderPlacementService } from './orders/placement.service';
import { PasswordHasher } from './members/password-hasher';
import { RateLimitService } from './common/rate-limit.service';
import { PaymentEventPublisher } from './payments/events';
import { PaymentAuditService } from './payments/audit.service';
import { LostPaymentEvents } from './payments/lost-events';
import { PaymentDeadLetters } from './payments/dead-letters';
import { PaymentRefundService } from './payments/refund.service';
import { SimulatedPaymentProvider } from './payments/provider';
import { PaymentService } from './payments/payment.service';
import { PaymentRecords } from './payments/records';
import { StockDriftRepair } from './sale/stock-drift';
import { PaymentRecoveryService } from './payments/recovery.service';
import { ReservationService } from './sale/reservation.service';
import { SaleStore } from './sale/sale-store';
import { StockService } from './sale/stock.service';
import { WaitingRoomService } from './sale/waiting-room.service';
import { TokenService } from './members/token.service';
import { UserService } from './members/user.service';

/** Clients and services of one process, each built once; the composition root wires them in. */
export async function createServices(config: Config, logger: Logger, metrics: Metrics) {
  const orm = await createOrm(config.mysql, logger);
  const redis = createRedis(config.redis);
  await redis.connect();
  const pubSub = createPubSub(config.redis);
  const kafka = createKafka(config.kafka, logger);
  const mailer = createMailer(config.mail);

  const cipher = new FieldCipher(config.auth.dataKey);
  const tokens = new TokenService(config.auth, redis, pubSub);
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
  const saleStore = new SaleStore(redis, config.redis.keyPrefix);
  const stock = new StockService(
    saleStore,
    config.sale.stockFrameMs,
    config.room.defaultPurchaseLimit,
  );
  const rooms = new WaitingRoomService(saleStore, stock, config.room, metrics.registry, redis);
  const reservations = new ReservationService(saleStore, stock, pubSub, config.sale, rooms);
  const paymentProvider = new SimulatedPaymentProvider(
    {
      declineRate: config.payment.declineRate,
      latencyMs: config.payment.latencyMs,
      bookingDelayMs: config.payment.bookingDelayMs,
    },
    redis,
  );
  const paymentEvents = new PaymentEventPublisher(
    kafka,
    orm.em,
    config,
    logger.child({ component: 'payment-events' }),
  );
  const paymentRecords = new PaymentRecords(
    orm.em,
    paymentEvents,
    logger.child({ component: 'payments' }),
  );
  const payments = new PaymentService(
    saleStore,
    reservations,
    paymentProvider,
    paymentRecords,
    config,
    metrics.registry,
    logger.child({ component: 'payments' }),
  );
  const paymentRecovery = new PaymentRecoveryService(
    saleStore,
    reservations,
    paymentProvider,
    paymentRecords,
    config,
    logger.child({ component: 'payment-recovery' }),
  );
  const stockDrift = new StockDriftRepair(
    saleStore,
    stock,
    metrics.registry,
    logger.child({ component: 'stock' }),
  );
  const refunds = new PaymentRefundService(
    orm.em,
    paymentProvider,
    reservations,
    stockDrift,
    config.payment,
    metrics.registry,
    logger.child({ component: 'refunds' }),
  );
  const lostPaymentEvents = new LostPaymentEvents(
    kafka,
    orm.em,
    config.kafka,
    refunds,
    metrics.registry,
    logger.child({ component: 'payment-events' }),
  );
  const deadLetters = new PaymentDeadLetters(kafka, config.kafka);
  const audit = new PaymentAuditService(orm.em, paymentProvider, saleStore, {
    stuckSeconds: config.payment.auditStuckSeconds,
  });
  const orderLifecycle = new OrderLifecycleService(
    config.orders,
    stock,
    orderStatus,
    refunds,
    logger.child({ component: 'orders' }),
  );
  const orders = new OrderService(orderLifecycle);
  const orderPlacement = new OrderPlacementService(
    orm.em,
    saleStore,
    orderStatus,
    config.orders,
    metrics.registry,
    logger.child({ component: 'order-placement' }),
  );
  const dropCounters = new DropCounters();
  const operator = new OperatorService(saleStore, dropCounters);
  // The operator's view charts the room: its line, its admissions so far and its pause.
  operator.setQueueSource(async (productId) => {
    const em = orm.em.fork();
    if (!(await rooms.find(em, productId))) return null;
    const frame = await rooms.snapshot(em, productId);
    return {
      waiting: frame.queueLength,
      admitted: frame.servedThrough,
      paused: frame.state === 'PAUSED',
      pauseReason: frame.pausedReason || null,
    };
  });
  const unsubscribeTokens = new UnsubscribeTokens(config.auth.jwtSecret);
  const notifyRequests = new NotifyRequests();
  const notify = new NotifyService(notifyRequests, unsubscribeTokens);
  const notices = new NoticeService(
    config,
    mail,
    notifyRequests,
    unsubscribeTokens,
    stock,
    logger.child({ component: 'notify' }),
  );
  const dropLifecycle = new DropLifecycle(redis, pubSub, stock, config.notify.saleLeadSeconds);
  const products = new ProductService(
    stock,
    rooms,
    new RestockAnnouncer(dropLifecycle, notices, logger.child({ component: 'notify' })),
  );
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
    saleStore,
    stock,
    stockDrift,
    rooms,
    reservations,
    paymentProvider,
    paymentEvents,
    paymentRecords,
    lostPaymentEvents,
    payments,
    paymentRecovery,
    refunds,
    deadLetters,
    audit,
    orderLifecycle,
    orders,
    orderPlacement,
    products,
    likes,
    carts,
    dropCounters,
    operator,
    notify,
    notices,
    dropLifecycle,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
