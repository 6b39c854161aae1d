import { GraphQLError } from 'graphql';

/** The closed set of `extensions.code` values clients can rely on. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'EMAIL_NOT_VERIFIED',
  'TIMEOUT',
  'UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorExtensionCode = (typeof ERROR_CODES)[number];

/** Base of every error the API throws on purpose; anything else is masked as INTERNAL_SERVER_ERROR. */
export class AppError extends GraphQLError {
  constructor(code: ErrorExtensionCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = new.target.name;
  }

  get code(): ErrorExtensionCode {
    return this.extensions.code as ErrorExtensionCode;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id?: string | number) {
    super('NOT_FOUND', id === undefined ? `${entity} not found` : `${entity} ${id} not found`);
  }
}

export class BadUserInputError extends AppError {
  constructor(message: string, field?: string) {
    super('BAD_USER_INPUT', message, field ? { field } : {});
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('RATE_LIMITED', `Too many attempts; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}

export class EmailNotVerifiedError extends AppError {
  constructor() {
    super('EMAIL_NOT_VERIFIED', 'Verify your email address before logging in');
  }
}

/**
 * A store the request needs (Redis, MySQL) cannot answer right now: a connection lost, a Redis
 * Cluster failing over, a lock wait past its limit. Nothing was decided; the client may retry
 * (purchase and pay are idempotent). HTTP 503 where the transport lets it say so.
 */
export class ServiceUnavailableError extends AppError {
  constructor(message = 'Temporarily unavailable; retry shortly') {
    super('UNAVAILABLE', message, { http: { status: 503 } });
  }
}

const UNAVAILABLE_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'ConnectionException',
  'LockWaitTimeoutException',
]);
const UNAVAILABLE_MESSAGES =
  /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|MOVED|ASK)\b|Connection is closed|Command timed out|Too many Cluster redirections|connect ECONNREFUSED|Connection lost/;
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/** Whether an unexpected error means a store is unreachable for now rather than a defect. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    UNAVAILABLE_NAMES.has(err.name) ||
    UNAVAILABLE_MESSAGES.test(err.message) ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code))
  );
}
