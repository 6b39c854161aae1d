import { z } from 'zod';

/** Development-only secrets: refused when NODE_ENV=production. */
const DEV_JWT_SECRET = 'dev-only-jwt-secret-not-for-production';
// 32 zero-ish bytes, base64: a placeholder that only works outside production
const DEV_DATA_KEY = Buffer.alloc(32, 7).toString('base64');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (def: number) => z.coerce.number().int().default(def);
const num = (def: number) => z.coerce.number().default(def);

/**
 * Every environment variable the app reads, with its default. `.env.example` documents the same
 * list; a test in src/config.test.ts keeps the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  APP_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  PUBLIC_URL: z.string().url().default('http://localhost:4000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: int(4000),
  HTTP_BODY_LIMIT: z.string().default('2mb'),
  HTTP_TRUST_PROXY: bool.default('false'),
  GRAPHQL_MAX_COMPLEXITY: int(5000),
  GRAPHQL_MAX_DEPTH: int(12),

  MYSQL_HOST: z.string().default('127.0.0.1'),
  MYSQL_PORT: int(3306),
  MYSQL_USER: z.string().default('root'),
  MYSQL_PASSWORD: z.string().default(''),
  MYSQL_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .default('rocket_mart'),
  MYSQL_POOL_MAX: int(20),

  REDIS_HOST: z.string().default('127.0.0.1'),
  REDIS_PORT: int(6379),
  REDIS_PASSWORD: z.string().default(''),
  REDIS_DB: int(0),
  REDIS_KEY_PREFIX: z.string().default('rm:'),

  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().default('rocket-mart'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_GROUP_PREFIX: z.string().default('rocket-mart'),
  // Replicas and the in-sync minimum of the topics the app creates; 0 takes the broker's default.
  KAFKA_REPLICATION_FACTOR: int(0),
  KAFKA_MIN_INSYNC_REPLICAS: int(0),

  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: int(1025),
  SMTP_SECURE: bool.default('false'),
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  MAIL_FROM: z.string().default('Rocket Mart <no-reply@rocket-mart.local>'),
  MAIL_POLL_INTERVAL_MS: int(500),
  MAIL_RETRY_BASE_MS: int(2000),
  MAIL_RETRY_MAX_MS: int(300000),

  JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  ACCESS_TOKEN_TTL_SECONDS: int(900),
  REFRESH_TOKEN_TTL_DAYS: int(30),
  VERIFY_TOKEN_TTL_HOURS: int(24),
  RESET_TOKEN_TTL_MINUTES: int(30),
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .default(DEV_DATA_KEY),
  ARGON2_MEMORY_KIB: int(19456),
  ARGON2_ITERATIONS: int(2),

  RATE_LOGIN_PER_ACCOUNT: int(5),
  RATE_LOGIN_PER_IP: int(30),
  RATE_LOGIN_WINDOW_SECONDS: int(900),
  RATE_SIGNUP_PER_IP: int(10),
  RATE_SIGNUP_WINDOW_SECONDS: int(3600),
  RATE_MAIL_PER_ACCOUNT: int(3),
  RATE_MAIL_PER_IP: int(20),
  RATE_MAIL_WINDOW_SECONDS: int(3600),
  RATE_RESET_PER_IP: int(10),
  RATE_RESET_WINDOW_SECONDS: int(3600),

  SALE_HOLD_SECONDS: int(600),
  SWEEPER_INTERVAL_MS: int(1000),
  STOCK_FRAME_MS: int(100),
  PAYMENT_DECLINE_RATE: num(0),
  PAYMENT_LATENCY_MS: int(50),
  OUTBOX_POLL_INTERVAL_MS: int(500),
  PAYMENT_RELAY_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),
  PAYMENT_RECOVERY_AFTER_SECONDS: z.coerce.number().int().min(1).default(60),
  PAYMENT_RECOVERY_INTERVAL_MS: int(5000),

  ORDER_SHIPPING_AFTER_SECONDS: int(86400),
  ORDER_DELIVERED_AFTER_SECONDS: int(86400),
  ORDER_RETURN_WINDOW_SECONDS: int(86400),
  ORDER_RETURN_COMPLETES_AFTER_SECONDS: int(86400),
  ORDER_SCHEDULER_INTERVAL_MS: int(1000),
});

/** Variable names the app reads, as strings (the shape of process.env). */
export type Env = Partial<Record<keyof z.input<typeof envSchema>, string>>;

export function parseEnv(env: Record<string, string | undefined>) {
  // An empty variable means "use the default", as if it were not set.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = envSchema.safeParse(given);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  if (e.NODE_ENV === 'production') {
    const bad: string[] = [];
    if (e.JWT_SECRET === DEV_JWT_SECRET) bad.push('JWT_SECRET');
    if (e.DATA_ENCRYPTION_KEY === DEV_DATA_KEY) bad.push('DATA_ENCRYPTION_KEY');
    if (bad.length) {
      throw new Error(`Invalid configuration: set ${bad.join(', ')} in production`);
    }
  }
  return e;
}

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
      trustProxy: e.HTTP_TRUST_PROXY,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
    },
    mysql: {
      host: e.MYSQL_HOST,
      port: e.MYSQL_PORT,
      user: e.MYSQL_USER,
      password: e.MYSQL_PASSWORD,
      dbName: e.MYSQL_DATABASE,
      poolMax: e.MYSQL_POOL_MAX,
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: e.REDIS_PASSWORD || undefined,
      db: e.REDIS_DB,
      keyPrefix: e.REDIS_KEY_PREFIX,
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
      signupPerIp: e.RATE_SIGNUP_PER_IP,
      signupWindowSeconds: e.RATE_SIGNUP_WINDOW_SECONDS,
      mailPerAccount: e.RATE_MAIL_PER_ACCOUNT,
      mailPerIp: e.RATE_MAIL_PER_IP,
      mailWindowSeconds: e.RATE_MAIL_WINDOW_SECONDS,
      resetPerIp: e.RATE_RESET_PER_IP,
      resetWindowSeconds: e.RATE_RESET_WINDOW_SECONDS,
    },
    sale: {
      holdSeconds: e.SALE_HOLD_SECONDS,
      sweeperIntervalMs: e.SWEEPER_INTERVAL_MS,
      stockFrameMs: e.STOCK_FRAME_MS,
      outboxPollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
    },
    payment: {
      declineRate: e.PAYMENT_DECLINE_RATE,
      latencyMs: e.PAYMENT_LATENCY_MS,
      relayLeaseSeconds: e.PAYMENT_RELAY_LEASE_SECONDS,
      recoveryAfterSeconds: e.PAYMENT_RECOVERY_AFTER_SECONDS,
      recoveryIntervalMs: e.PAYMENT_RECOVERY_INTERVAL_MS,
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
