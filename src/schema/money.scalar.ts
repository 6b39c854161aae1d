import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** Highest price of one unit, in minor units (1,000,000.00): a purchase's total stays exact. */
export const MAX_PRICE = 100_000_000;

function money(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new GraphQLError('Money is a whole number of minor units, 0 to 2^53 - 1', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  return n;
}

/**
 * An amount of money in minor currency units (cents): a non-negative integer up to 2^53 - 1,
 * sent as a JSON number. Unlike `Int` (32-bit signed) it holds any total a purchase can reach
 * (MAX_PRICE × units × lines).
 */
export const Money = new GraphQLScalarType<number, number>({
  name: 'Money',
  description:
    'An amount of money in minor currency units (e.g. cents): a whole number from 0 to 2^53 - 1, sent as a JSON number.',
  serialize: (value) => money(value),
  parseValue: (value) => money(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT)
      throw new GraphQLError('Money is a whole number of minor units', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    return money(Number(ast.value));
  },
});
