import {
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What the operation guard measures: field weights for the cost, the authentication mutations,
 * root fields through fragments, and the variables an operation's cost depends on.
 */

/**
 * Cost of one resolver call of fields that do real work (SQL, a Lua script, an argon2 hash, a
 * mail), by `Type.field`; every other field costs 1. A list field costs its weight plus its page
 * size times one item.
 */
export const FIELD_WEIGHTS: Readonly<Record<string, number>> = {
  'Query.products': 10,
  'Query.product': 5,
  'Query.myOrders': 10,
  'Query.order': 5,
  'Query.myLikes': 10,
  'Query.cart': 5,
  'Query.reservation': 5,
  'Mutation.purchase': 200,
  'Mutation.pay': 200,
  'Mutation.signUp': 1000,
  'Mutation.login': 1000,
  'Mutation.changePassword': 1000,
  'Mutation.resetPassword': 1000,
  'Mutation.requestPasswordReset': 500,
  'Mutation.resendVerificationEmail': 500,
};

/**
 * Mutations that hash a password, send a mail or consume a single-use token: at most one per
 * request, so a request cannot multiply their cost with aliases.
 */
export const AUTH_MUTATIONS: ReadonlySet<string> = new Set([
  'signUp',
  'verifyEmail',
  'resendVerificationEmail',
  'login',
  'refreshToken',
  'changePassword',
  'requestPasswordReset',
  'resetPassword',
]);

/**
 * What a text search adds to `Query.products`: a full-text match and the LIKE over its hits,
 * twice with totalCount. Anonymous, so it is priced near a purchase rather than a listing.
 */
export const TEXT_SEARCH_WEIGHT = 200;

const searches = (args: Record<string, unknown>) => {
  const text = (args.filter as { text?: unknown } | null | undefined)?.text;
  return typeof text === 'string' && text.trim() !== '';
};

export const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const key = `${type.name}.${field.name}`;
  const weight =
    (FIELD_WEIGHTS[key] ?? 1) +
    (key === 'Query.products' && searches(args) ? TEXT_SEARCH_WEIGHT : 0);
  const first = typeof args.first === 'number' ? args.first : undefined;
  return weight + (first === undefined ? childComplexity : first * Math.max(1, childComplexity));
};

/** Fields at the root of an operation, through fragments, with their aliases counted. */
export function rootFields(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | undefined | null,
  seen = new Set<string>(),
): string[] {
  return selectionSet.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s.name.value];
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet, fragment, seen);
    if (seen.has(s.name.value)) return [];
    seen.add(s.name.value);
    const def = fragment(s.name.value);
    return def ? rootFields(def.selectionSet, fragment, seen) : [];
  });
}

/** Root fields per mutation operation, and authentication mutations one per request. */
export function mutationFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    let authFields = 0;
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        if (node.operation !== 'mutation') return;
        const fields = rootFields(node.selectionSet, (n) => context.getFragment(n));
        if (fields.length > max) {
          context.reportError(
            new GraphQLError(
              `Mutation limit of ${max} root fields exceeded, found ${fields.length}.`,
              {
                nodes: [node],
              },
            ),
          );
        }
        authFields += fields.filter((f) => AUTH_MUTATIONS.has(f)).length;
        if (authFields > 1) {
          context.reportError(
            new GraphQLError('Only one authentication mutation is allowed per request.', {
              nodes: [node],
            }),
          );
        }
      },
    };
  };
}

/**
 * Variables that change an operation's cost: page sizes, filters (a text search costs more) and
 * `@skip`/`@include` conditions.
 */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    ObjectField(node) {
      // filter: { text: $text }
      if (node.name.value === 'text' && node.value.kind === Kind.VARIABLE) {
        names.add(node.value.name.value);
      }
    },
    Argument(node, _key, _parent, _path, ancestors) {
      if (node.value.kind !== Kind.VARIABLE) return;
      // The argument's owner is its list's parent: a field or a directive.
      const owner = ancestors.at(-1) as { kind?: string } | undefined;
      const name = node.name.value;
      if (name === 'first' || name === 'filter' || owner?.kind === Kind.DIRECTIVE) {
        names.add(node.value.name.value);
      }
    },
  });
  return [...names].sort();
}
