import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { AppError, isUnavailable, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';

interface FieldProblem {
  field: string;
  message: string;
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Field named in a graphql-js variable or literal coercion message, if any. */
function fieldOf(message: string): string | undefined {
  const missing = /Field "([^"]+)" of required type/.exec(message);
  if (missing) return missing[1];
  const notDefined = /Field "([^"]+)" is not defined by type/.exec(message);
  if (notDefined) return notDefined[1];
  const at = /at "[^".]+\.([^"]+)"/.exec(message);
  if (at) return at[1];
  // A top-level variable, e.g. `$first` of a connection.
  return /^Variable "\$([^"]+)" got invalid value/.exec(message)?.[1];
}

/**
 * One error policy for HTTP and websockets: AppErrors, validation errors and graphql-js request
 * errors pass with their code; a store that cannot answer right now is UNAVAILABLE (retry);
 * anything else is logged and masked as INTERNAL_SERVER_ERROR.
 * No stack trace ever reaches a client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };

    if (original instanceof ArgumentValidationError) {
      const fields = flatten(original.extensions.validationErrors);
      return {
        ...base,
        message: fields.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Invalid input',
        extensions: { code: 'BAD_USER_INPUT', field: fields[0]?.field, fields },
      };
    }
    if (original instanceof AppError) {
      return { ...base, extensions: { ...original.extensions } };
    }
    const code = formatted.extensions?.code;
    // Errors graphql-js and Apollo raise about the request itself (parse, validation, variables).
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const field = code === 'BAD_USER_INPUT' ? fieldOf(formatted.message) : undefined;
      return { ...base, extensions: { code, ...(field ? { field } : {}) } };
    }
    if (original instanceof GraphQLError && !original.originalError && !formatted.path) {
      return { ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    if (isUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'store unavailable');
      const unavailable = new ServiceUnavailableError();
      return { ...base, message: unavailable.message, extensions: { code: unavailable.code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
