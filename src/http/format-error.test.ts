import { GraphQLError } from 'graphql';
import pino from 'pino';
import { ArgumentValidationError } from 'type-graphql';
import { BadUserInputError, RateLimitedError } from '../errors';
import { createErrorFormatter } from './format-error';

const format = createErrorFormatter(pino({ level: 'silent' }));
const asResolverError = (original: Error) =>
  new GraphQLError(original.message, { path: ['field'], originalError: original });

describe('error formatting', () => {
  it('masks unknown errors: fixed message, no stack, INTERNAL_SERVER_ERROR', () => {
    const err = asResolverError(
      new TypeError(
        "Cannot read properties of undefined (reading 'id') at Pool.query (pool.js:12:3)",
      ),
    );
    const out = format(err.toJSON(), err);
    expect(out).toEqual({
      message: 'Internal server error',
      locations: undefined,
      path: ['field'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('answers UNAVAILABLE, with no details, when a store cannot answer right now', () => {
    const lost = [
      new Error('connect ECONNREFUSED 10.0.0.5:3306 at Pool.query (pool.js:12:3)'),
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
      new Error('CLUSTERDOWN The cluster is down'),
      // A Redis Cluster failover: ioredis hands a pipelined command's redirection back as is.
      new Error('MOVED 9842 127.0.0.1:7005'),
      new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'),
      new Error('Connection is closed.'),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    ];
    for (const original of lost) {
      const err = asResolverError(original);
      expect(format(err.toJSON(), err)).toEqual({
        message: 'Temporarily unavailable; retry shortly',
        locations: undefined,
        path: ['field'],
        extensions: { code: 'UNAVAILABLE' },
      });
    }
  });

  it('passes application errors with their code and details', () => {
    const err = asResolverError(new RateLimitedError(2500));
    const out = format(err.toJSON(), err);
    expect(out.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 3 });
    const bad = asResolverError(new BadUserInputError('Malformed cursor', 'after'));
    expect(format(bad.toJSON(), bad).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('turns class-validator failures into BAD_USER_INPUT naming each field', () => {
    const err = asResolverError(
      new ArgumentValidationError([
        { property: 'email', constraints: { maxLength: 'email is too long' }, children: [] },
        { property: 'password', constraints: { isLength: 'password is too short' }, children: [] },
      ]),
    );
    const out = format(err.toJSON(), err);
    expect(out.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'email',
      fields: [
        { field: 'email', message: 'email is too long' },
        { field: 'password', message: 'password is too short' },
      ],
    });
  });

  it('names the field of a variable coercion error', () => {
    const message =
      'Variable "$input" got invalid value 42 at "input.name"; String cannot represent a non string value: 42';
    const err = new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
    expect(format(err.toJSON(), err).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    const top = new GraphQLError(
      'Variable "$first" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648',
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
    expect(format(top.toJSON(), top).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });
});
