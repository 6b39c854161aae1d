import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse as parseDocument,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { getComplexity } from 'graphql-query-complexity';
import { costVariables, estimator, mutationFieldsRule } from './operation-rules';
import type { SubscribePayload } from 'graphql-ws';

export interface OperationLimits {
  /** Lexical tokens of one document, counted while parsing. */
  maxTokens: number;
  maxAliases: number;
  /** Selection depth, named and inline fragments followed (they add no level of their own). */
  maxDepth: number;
  maxDirectives: number;
  /** Root fields of one mutation operation. */
  maxMutationFields: number;
  /** Page-size-aware cost with per-field weights (graphql-query-complexity). */
  maxComplexity: number;
  /** "Did you mean …" in validation errors: they describe the schema to whoever probes it. */
  suggestions: boolean;
  introspection: boolean;
}

/** A refusal of the operation as a whole, before anything runs: 400 on HTTP. */
function refusal(message: string, code = 'GRAPHQL_VALIDATION_FAILED', extra = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, http: { status: 400 } } });
}

const SUGGESTION = /\s*Did you mean .*\?$/;

function withoutSuggestion(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: error.extensions,
  });
}

interface DocumentCosts {
  variables: string[];
  /** Cost by operation name and the values of the cost variables. */
  measured: Map<string, number>;
}

/**
 * One guard for every operation, whatever the transport: a token limit while parsing (graphql-js's
 * own, which graphql-armor's max-tokens also wraps), graphql-armor
 * rules for aliases, depth and directives, a limit on root fields per mutation, and a cost limit
 * that reads page sizes and skip/include conditions. Every refusal happens before anything runs,
 * with GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT, and HTTP status 400;
 * anything the guard cannot measure is refused.
 */
export function createOperationGuard(schema: GraphQLSchema, limits: OperationLimits) {
  const report: GraphQLArmorRejectCallback = (ctx, error) => ctx?.reportError(error);
  const armor = { exposeLimits: true, propagateOnRejection: false, onReject: [report] };
  const validationRules: ValidationRule[] = [
    maxAliasesRule({ ...armor, n: limits.maxAliases }),
    maxDepthRule({ ...armor, n: limits.maxDepth, flattenFragments: true }),
    maxDirectivesRule({ ...armor, n: limits.maxDirectives }),
    mutationFieldsRule(limits.maxMutationFields),
    ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  // Apollo keeps one parsed document per query text, so each is measured once per distinct set of
  // cost variables (bounded per document) rather than on every request.
  const costs = new WeakMap<DocumentNode, DocumentCosts>();

  /** graphql-js counts tokens while parsing: a huge document is refused before it is built. */
  const parseOptions = { maxTokens: limits.maxTokens };

  /** Parses as Apollo does with `parseOptions`: a syntax error is GRAPHQL_PARSE_FAILED. */
  function parse(source: string): DocumentNode {
    try {
      return parseDocument(source, parseOptions);
    } catch (err) {
      if (err instanceof GraphQLError) throw refusal(err.message, 'GRAPHQL_PARSE_FAILED');
      throw err;
    }
  }

  /**
   * The operation's cost for these variables; throws the refusal when it is over the limit, when
   * the variables do not fit the operation (BAD_USER_INPUT) or when it cannot be measured.
   */
  function checkCost(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): number {
    let entry = costs.get(document);
    if (!entry) {
      entry = { variables: costVariables(document), measured: new Map() };
      costs.set(document, entry);
    }
    const vars = variables ?? {};
    // An omitted variable (its default applies) and an explicit null are different keys.
    const key = JSON.stringify([
      operationName ?? null,
      entry.variables.map((v) => (v in vars ? [vars[v]] : 'default')),
    ]);
    let complexity = entry.measured.get(key);
    if (complexity === undefined) {
      complexity = measure(document, operationName, vars);
      if (entry.measured.size < 100) entry.measured.set(key, complexity);
    }
    if (complexity > limits.maxComplexity) {
      throw refusal(
        `Query is too complex: ${complexity} (max ${limits.maxComplexity})`,
        undefined,
        {
          complexity,
        },
      );
    }
    return complexity;
  }

  function measure(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown>,
  ): number {
    const operation = getOperationAST(document, operationName);
    if (!operation) throw refusal('The operation to run is not in the document');
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) {
      const [first] = coerced.errors;
      throw new GraphQLError(first.message, {
        nodes: first.nodes,
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      });
    }
    try {
      return getComplexity({
        schema,
        query: document,
        operationName: operationName ?? undefined,
        variables: coerced.coerced,
        estimators: [estimator],
      });
    } catch {
      // Never fail open: what cannot be measured does not run.
      throw refusal('The cost of the operation could not be measured');
    }
  }

  /** Apollo Server plugin: the cost, once the operation is known. */
  const apolloPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          checkCost(document, request.operationName, request.variables);
        },
      };
    },
  };

  /**
   * graphql-ws `onSubscribe`: parses, validates and measures the message like HTTP does, and
   * answers execution arguments (the server adds the context) or the refusal.
   */
  function wsOnSubscribe(
    _ctx: unknown,
    _id: string,
    payload: SubscribePayload,
  ): ExecutionArgs | readonly GraphQLError[] {
    try {
      const document = parse(payload.query);
      const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
      if (errors.length) {
        return limits.suggestions ? errors : errors.map(withoutSuggestion);
      }
      checkCost(document, payload.operationName, payload.variables);
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
  }

  return { parse, parseOptions, validationRules, checkCost, apolloPlugin, wsOnSubscribe };
}

export type OperationGuard = ReturnType<typeof createOperationGuard>;
