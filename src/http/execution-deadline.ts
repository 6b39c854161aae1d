import type { ApolloServerPlugin } from '@apollo/server';
import { AppError } from '../errors';

/** A field that would start after the operation's deadline; the rest of the answer stands. */
export class DeadlineExceededError extends AppError {
  constructor(ms: number) {
    super('TIMEOUT', `The operation ran past its ${ms} ms deadline`);
  }
}

/**
 * An execution deadline: graphql-js cannot stop a resolver that has started, so once the deadline
 * has passed, every field that has not started yet fails with TIMEOUT instead of running. Each
 * statement a resolver sends has its own timeout (Redis, MySQL).
 */
export function executionDeadlinePlugin(ms: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          const deadline = Date.now() + ms;
          return {
            willResolveField() {
              if (Date.now() > deadline) throw new DeadlineExceededError(ms);
            },
          };
        },
      };
    },
  };
}
