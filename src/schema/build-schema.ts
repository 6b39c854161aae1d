import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { authChecker } from '../resolvers/auth-checker';
import { resolverClasses } from '../resolvers';
import type { AppPubSub } from '../clients/pubsub';
import { ErrorResult } from './error-result';
import { scalarsMap } from './scalars';
import { validateInput } from './validate-input';

/** Builds the executable schema. Does no I/O, so the schema can be emitted without services. */
export function buildAppSchema(options: {
  container: ContainerType;
  pubSub: AppPubSub;
}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolverClasses],
    orphanedTypes: [ErrorResult],
    container: options.container,
    pubSub: options.pubSub,
    authChecker,
    validateFn: validateInput,
    scalarsMap,
  });
}
