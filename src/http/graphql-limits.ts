import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
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

/** Names of the variables a document passes as a `first` argument: the only ones cost reads. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE) {
        names.add(node.value.name.value);
      }
    },
  });
  return [...names];
}

interface DocumentCosts {
  variables: string[];
  /** Cost and depth by operation name and the values of the cost variables. */
  measured: Map<string, { complexity: number; depth: number }>;
}

/**
 * Refuses operations whose cost (graphql-query-complexity) or depth is over the limit, before
 * anything runs. Answered with GRAPHQL_VALIDATION_FAILED and the measured figure.
 */
export function queryLimitsPlugin(
  schema: GraphQLSchema,
  limits: { maxComplexity: number; maxDepth: number },
): ApolloServerPlugin {
  // Apollo reuses one parsed document per query text, so each operation is measured once per
  // distinct page size rather than on every request.
  const cache = new WeakMap<DocumentNode, DocumentCosts>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          let costs = cache.get(document);
          if (!costs) {
            costs = { variables: costVariables(document), measured: new Map() };
            cache.set(document, costs);
          }
          const vars = request.variables ?? {};
          const key = JSON.stringify([request.operationName, costs.variables.map((v) => vars[v])]);
          const known = costs.measured.get(key);
          if (known) return check(known.complexity, known.depth);

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
          const depth = depthOf(operation?.selectionSet as SelectionSet | undefined, 0);
          if (costs.measured.size < 100) costs.measured.set(key, { complexity, depth });
          return check(complexity, depth);
        },
      };
    },
  };

  function check(complexity: number, depth: number): void {
    if (complexity > limits.maxComplexity) {
      throw new GraphQLError(`Query is too complex: ${complexity} (max ${limits.maxComplexity})`, {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', complexity, http: { status: 400 } },
      });
    }
    if (depth > limits.maxDepth) {
      throw new GraphQLError(`Query is too deep: ${depth} (max ${limits.maxDepth})`, {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', depth, http: { status: 400 } },
      });
    }
  }
}

type SelectionSet = { selections: readonly { selectionSet?: SelectionSet }[] };

function depthOf(set: SelectionSet | undefined, level: number): number {
  if (!set) return level;
  return Math.max(level, ...set.selections.map((s) => depthOf(s.selectionSet, level + 1)));
}
