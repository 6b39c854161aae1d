import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
} from 'graphql-query-complexity';

// A list field's cost is its page size times the cost of one item.
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first === undefined ? undefined : 1 + first * Math.max(1, childComplexity);
};

/**
 * Refuses operations whose cost (graphql-query-complexity) or depth is over the limit, before
 * anything runs. Answered with GRAPHQL_VALIDATION_FAILED and the measured figure.
 */
export function queryLimitsPlugin(
  schema: GraphQLSchema,
  limits: { maxComplexity: number; maxDepth: number },
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [
                fieldExtensionsEstimator(),
                pageSizeEstimator,
                simpleEstimator({ defaultComplexity: 1 }),
              ],
            });
          } catch {
            // Variables that do not fit the operation: execution refuses them as BAD_USER_INPUT
            // before any resolver runs, so there is nothing to cost.
            return;
          }
          if (complexity > limits.maxComplexity) {
            throw new GraphQLError(
              `Query is too complex: ${complexity} (max ${limits.maxComplexity})`,
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', complexity } },
            );
          }
          const depth = depthOf(operation?.selectionSet as SelectionSet | undefined, 0);
          if (depth > limits.maxDepth) {
            throw new GraphQLError(`Query is too deep: ${depth} (max ${limits.maxDepth})`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', depth },
            });
          }
        },
      };
    },
  };
}

type SelectionSet = { selections: readonly { selectionSet?: SelectionSet }[] };

function depthOf(set: SelectionSet | undefined, level: number): number {
  if (!set) return level;
  return Math.max(level, ...set.selections.map((s) => depthOf(s.selectionSet, level + 1)));
}
