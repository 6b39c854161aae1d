/** The environment the app reads: every variable with its default, parsed and checked in one go. */
import { z } from 'zod';
import { compileTrust } from './http/client-address';

/** Published development-only secrets: accepted only when NODE_ENV is development or test. */
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
  // Unset means production: a deployment that forgets it gets the safe settings.
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  APP_ROLE: z.enum(['api', 'worker', 'realtime', 'all']).default('all'),
  PUBLIC_URL: z.string().url().default('http://localhost:4000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: int(4000),
  // Operation guard and exposure (src/http/operation-guard.ts, src/http/server.ts).
  HTTP_BODY_LIMIT: z.string().default('64kb'),
  HTTP_TRUSTED_PROXIES: z
    .string()
    .refine(validTrustedProxies, 'a hop count or a comma-separated list of addresses/subnets')
    .default('0'),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(2000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(10),
  GRAPHQL_MAX_MUTATION_FIELDS: z.coerce.number().int().min(1).default(5),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(1).default(5000),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_SUGGESTIONS: bool.optional(),
  GRAPHQL_EXECUTION_TIMEOUT_MS: z.coerce.number().int().min(1).default(10000),
  METRICS_PORT: int(0),
  METRICS_TOKEN: z.string().default(''),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1).default(2000),
  MYSQL_READ_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),

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
  // Redis Cluster seed nodes, host:port,host:port; empty means the single Redis above.
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s,:]+:\d+\s*(,\s*[^\s,:]+:\d+\s*)*$/, 'host:port,host:port')
    .optional(),
  // Replicas each sale write waits for (WAIT) before its reply; 0 replies at once.
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).default(0),
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).default(50),

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
  RATE_LOGIN_DELAY_BASE_MS: int(250),
  RATE_LOGIN_DELAY_MAX_MS: int(5000),
  RATE_SIGNUP_PER_IP: int(10),
  RATE_SIGNUP_WINDOW_SECONDS: int(3600),
  RATE_MAIL_PER_ACCOUNT: int(3),
  RATE_MAIL_PER_IP: int(20),
  RATE_MAIL_WINDOW_SECONDS: int(3600),
  RATE_RESET_PER_IP: int(10),
  RATE_RESET_WINDOW_SECONDS: int(3600),
  // Single-use mailed tokens presented (verifyEmail, resetPassword), per client address.
  RATE_TOKEN_PER_IP: int(20),
  RATE_TOKEN_WINDOW_SECONDS: int(3600),

  SALE_HOLD_SECONDS: int(600),
  // Anti-hoarding: a member's open (unpaid) holds across products, and purchase calls per minute.
  SALE_MAX_OPEN_HOLDS: z.coerce.number().int().min(1).default(10),
  SALE_MEMBER_PURCHASES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  // Waiting rooms (docs/waiting-room.md): tick, defaults of a room's settings, admission maths.
  ROOM_TICK_MS: z.coerce.number().int().min(50).default(1000),
  ROOM_ADMISSION_SECONDS: z.coerce.number().int().min(1).default(90),
  ROOM_GRACE_SECONDS: z.coerce.number().int().min(1).default(20),
  ROOM_HOLD_SECONDS: z.coerce.number().int().min(1).default(180),
  ROOM_DEFAULT_PURCHASE_LIMIT: z.coerce.number().int().min(1).default(2),
  ROOM_MAX_ADMIT_PER_SECOND: z.coerce.number().int().min(1).default(200),
  ROOM_PAY_RATE: z.coerce.number().min(0).max(1).default(0.8),
  ROOM_F_MAX: z.coerce.number().min(1).max(10).default(2),
  // Proof of work on joinWaitingRoom (ALTCHA): cost (max number) grows with the queue.
  ROOM_POW: bool.default('true'),
  ROOM_POW_BASE_COST: z.coerce.number().int().min(10).default(20000),
  ROOM_POW_MAX_COST: z.coerce.number().int().min(10).default(2000000),
  ROOM_POW_DOUBLE_EVERY: z.coerce.number().int().min(1).default(2000),
  ROOM_POW_CHALLENGES_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  SWEEPER_INTERVAL_MS: int(1000),
  STOCK_FRAME_MS: int(100),
  PAYMENT_DECLINE_RATE: num(0),
  PAYMENT_LATENCY_MS: int(50),
  // The simulated provider books an approved charge this long after its request (0: at once).
  PAYMENT_BOOKING_DELAY_MS: int(0),
  // The audit reports a PENDING or REFUNDING payment older than this as stuck.
  PAYMENT_AUDIT_STUCK_SECONDS: z.coerce.number().int().min(1).default(900),
  OUTBOX_POLL_INTERVAL_MS: int(500),
  PAYMENT_RELAY_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),
  PAYMENT_RECOVERY_AFTER_SECONDS: z.coerce.number().int().min(1).default(60),
  PAYMENT_RECOVERY_INTERVAL_MS: int(5000),
  PAYMENT_LOST_EVENT_CHECK_INTERVAL_MS: int(30000),
  // Payments: one charge per reservation, refunds
  PAYMENT_CLAIM_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),
  PAYMENT_REFUND_INTERVAL_MS: int(1000),
  PAYMENT_REFUND_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),

  ORDER_SHIPPING_AFTER_SECONDS: int(86400),
  ORDER_DELIVERED_AFTER_SECONDS: int(86400),
  ORDER_RETURN_WINDOW_SECONDS: int(86400),
  ORDER_RETURN_COMPLETES_AFTER_SECONDS: int(86400),
  ORDER_SCHEDULER_INTERVAL_MS: int(1000),

  // notify me (docs/configuration.md)
  NOTIFY_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  NOTIFY_RESTOCK_MULTIPLE: z.coerce.number().positive().default(3),
  NOTIFY_SALE_LEAD_SECONDS: int(300),
  NOTIFY_POLL_INTERVAL_MS: int(1000),

  // realtime (websockets)
  API_SERVES_WEBSOCKETS: bool.default('true'),
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(32768),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(20),
  WS_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  WS_MAX_ANONYMOUS_CONNECTIONS: z.coerce.number().int().min(0).default(10000),
  WS_MAX_CONNECTIONS_PER_MEMBER: z.coerce.number().int().min(1).default(10),
  WS_KEEPALIVE_MS: z.coerce.number().int().min(0).default(30000),
  REALTIME_SEND_BUDGET: z.coerce.number().int().min(1).default(20000),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(262144),
  WS_SESSION_CHECK_MS: z.coerce.number().int().min(0).default(30000),

  // Web: the storefront (/shop) and the stock widget (/widget) served by the API.
  CORS_ORIGINS: z.string().default(''),
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
  if (e.NODE_ENV !== 'development' && e.NODE_ENV !== 'test') {
    const bad: string[] = [];
    if (e.JWT_SECRET === DEV_JWT_SECRET) bad.push('JWT_SECRET');
    if (e.DATA_ENCRYPTION_KEY === DEV_DATA_KEY) bad.push('DATA_ENCRYPTION_KEY');
    if (bad.length) {
      throw new Error(
        `Invalid configuration: set ${bad.join(', ')} (the built-in values are published; ` +
          'they are accepted only with NODE_ENV=development or test)',
      );
    }
  }
  return e;
}

function validTrustedProxies(value: string): boolean {
  try {
    compileTrust(trustedProxies(value));
    return true;
  } catch {
    return false;
  }
}

/** A hop count (`1`: one load balancer in front) or the proxies' addresses/subnets. */
export function trustedProxies(value: string): number | string[] {
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((a) => a.trim());
}

/** `host:port,host:port` as seed nodes; empty when unset (the single Redis). */
export function parseNodes(value: string | undefined): { host: string; port: number }[] {
  if (!value) return [];
  return value.split(',').map((node) => {
    const [host, port] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}
