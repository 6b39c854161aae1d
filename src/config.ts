import { createHash } from 'node:crypto';
import { parseEnv, parseNodes, trustedProxies } from './env';

export { envSchema, parseEnv, type Env } from './env';

function toConfig(e: ReturnType<typeof parseEnv>) {
  return {
    env: e.NODE_ENV,
    role: e.APP_ROLE,
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    log: { level: e.LOG_LEVEL },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      bodyLimit: e.HTTP_BODY_LIMIT,
      trustedProxies: trustedProxies(e.HTTP_TRUSTED_PROXIES),
      metricsPort: e.METRICS_PORT,
      metricsToken: e.METRICS_TOKEN || undefined,
      /** Origins whose pages may call the API (PUBLIC_URL's own origin always may); `*`: any. */
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
    },
    graphql: {
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxMutationFields: e.GRAPHQL_MAX_MUTATION_FIELDS,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      suggestions: e.GRAPHQL_SUGGESTIONS ?? e.NODE_ENV !== 'production',
      executionTimeoutMs: e.GRAPHQL_EXECUTION_TIMEOUT_MS,
    },
    mysql: {
      host: e.MYSQL_HOST,
      port: e.MYSQL_PORT,
      user: e.MYSQL_USER,
      password: e.MYSQL_PASSWORD,
      dbName: e.MYSQL_DATABASE,
      poolMax: e.MYSQL_POOL_MAX,
      readTimeoutMs: e.MYSQL_READ_TIMEOUT_MS,
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: e.REDIS_PASSWORD || undefined,
      db: e.REDIS_DB,
      keyPrefix: e.REDIS_KEY_PREFIX,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      clusterNodes: parseNodes(e.REDIS_CLUSTER_NODES),
      waitReplicas: e.REDIS_WAIT_REPLICAS,
      waitTimeoutMs: e.REDIS_WAIT_TIMEOUT_MS,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      clientId: e.KAFKA_CLIENT_ID,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      groupPrefix: e.KAFKA_GROUP_PREFIX,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: e.KAFKA_MIN_INSYNC_REPLICAS,
    },
    mail: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      user: e.SMTP_USER || undefined,
      password: e.SMTP_PASSWORD || undefined,
      from: e.MAIL_FROM,
      pollIntervalMs: e.MAIL_POLL_INTERVAL_MS,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      retryMaxMs: e.MAIL_RETRY_MAX_MS,
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      verifyTokenTtlHours: e.VERIFY_TOKEN_TTL_HOURS,
      resetTokenTtlMinutes: e.RESET_TOKEN_TTL_MINUTES,
      dataKey: Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64'),
      argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_ITERATIONS },
    },
    rateLimit: {
      loginPerAccount: e.RATE_LOGIN_PER_ACCOUNT,
      loginPerIp: e.RATE_LOGIN_PER_IP,
      loginWindowSeconds: e.RATE_LOGIN_WINDOW_SECONDS,
      loginDelayBaseMs: e.RATE_LOGIN_DELAY_BASE_MS,
      loginDelayMaxMs: e.RATE_LOGIN_DELAY_MAX_MS,
      signupPerIp: e.RATE_SIGNUP_PER_IP,
      signupWindowSeconds: e.RATE_SIGNUP_WINDOW_SECONDS,
      mailPerAccount: e.RATE_MAIL_PER_ACCOUNT,
      mailPerIp: e.RATE_MAIL_PER_IP,
      mailWindowSeconds: e.RATE_MAIL_WINDOW_SECONDS,
      resetPerIp: e.RATE_RESET_PER_IP,
      resetWindowSeconds: e.RATE_RESET_WINDOW_SECONDS,
      tokenPerIp: e.RATE_TOKEN_PER_IP,
      tokenWindowSeconds: e.RATE_TOKEN_WINDOW_SECONDS,
    },
    sale: {
      holdSeconds: e.SALE_HOLD_SECONDS,
      maxOpenHolds: e.SALE_MAX_OPEN_HOLDS,
      memberPurchasesPerMinute: e.SALE_MEMBER_PURCHASES_PER_MINUTE,
      sweeperIntervalMs: e.SWEEPER_INTERVAL_MS,
      stockFrameMs: e.STOCK_FRAME_MS,
      outboxPollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
    },
    room: {
      tickMs: e.ROOM_TICK_MS,
      admissionSeconds: e.ROOM_ADMISSION_SECONDS,
      graceSeconds: e.ROOM_GRACE_SECONDS,
      holdSeconds: e.ROOM_HOLD_SECONDS,
      defaultPurchaseLimit: e.ROOM_DEFAULT_PURCHASE_LIMIT,
      maxAdmitPerSecond: e.ROOM_MAX_ADMIT_PER_SECOND,
      payRate: e.ROOM_PAY_RATE,
      fMax: e.ROOM_F_MAX,
      pow: {
        enabled: e.ROOM_POW,
        // Derived from JWT_SECRET: one fewer secret to deploy, still server-only.
        hmacKey: createHash('sha256').update(`room-pow|${e.JWT_SECRET}`).digest('hex'),
        baseCost: e.ROOM_POW_BASE_COST,
        maxCost: e.ROOM_POW_MAX_COST,
        doubleEvery: e.ROOM_POW_DOUBLE_EVERY,
        challengesPerMinute: e.ROOM_POW_CHALLENGES_PER_MINUTE,
      },
    },
    payment: {
      declineRate: e.PAYMENT_DECLINE_RATE,
      latencyMs: e.PAYMENT_LATENCY_MS,
      bookingDelayMs: e.PAYMENT_BOOKING_DELAY_MS,
      auditStuckSeconds: e.PAYMENT_AUDIT_STUCK_SECONDS,
      relayLeaseSeconds: e.PAYMENT_RELAY_LEASE_SECONDS,
      recoveryAfterSeconds: e.PAYMENT_RECOVERY_AFTER_SECONDS,
      recoveryIntervalMs: e.PAYMENT_RECOVERY_INTERVAL_MS,
      lostEventCheckIntervalMs: e.PAYMENT_LOST_EVENT_CHECK_INTERVAL_MS,
      claimLeaseSeconds: e.PAYMENT_CLAIM_LEASE_SECONDS,
      refundIntervalMs: e.PAYMENT_REFUND_INTERVAL_MS,
      refundLeaseSeconds: e.PAYMENT_REFUND_LEASE_SECONDS,
    },
    notify: {
      /** Notice mails sent per second at most, across every process (their send times are spaced). */
      ratePerSecond: e.NOTIFY_RATE_PER_SECOND,
      /** A restock mails at most this many requesters per unit restocked. */
      restockMultiple: e.NOTIFY_RESTOCK_MULTIPLE,
      /** Sale-start notices go out this long before the sale opens, into the drop's pre-queue. */
      saleLeadSeconds: e.NOTIFY_SALE_LEAD_SECONDS,
      pollIntervalMs: e.NOTIFY_POLL_INTERVAL_MS,
    },
    realtime: {
      apiServesWebsockets: e.API_SERVES_WEBSOCKETS,
      maxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES,
      maxSubscriptionsPerConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerAddress: e.WS_MAX_CONNECTIONS_PER_ADDRESS,
      maxAnonymousConnections: e.WS_MAX_ANONYMOUS_CONNECTIONS,
      maxConnectionsPerMember: e.WS_MAX_CONNECTIONS_PER_MEMBER,
      keepAliveMs: e.WS_KEEPALIVE_MS,
      sendBudget: e.REALTIME_SEND_BUDGET,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      sessionCheckMs: e.WS_SESSION_CHECK_MS,
    },
    orders: {
      shippingAfterSeconds: e.ORDER_SHIPPING_AFTER_SECONDS,
      deliveredAfterSeconds: e.ORDER_DELIVERED_AFTER_SECONDS,
      returnWindowSeconds: e.ORDER_RETURN_WINDOW_SECONDS,
      returnCompletesAfterSeconds: e.ORDER_RETURN_COMPLETES_AFTER_SECONDS,
      schedulerIntervalMs: e.ORDER_SCHEDULER_INTERVAL_MS,
    },
  };
}

export type Config = ReturnType<typeof toConfig>;

/** Reads the environment once into a typed config; throws one error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return deepFreeze(toConfig(parseEnv(env)));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
