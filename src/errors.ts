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
