import type { Client } from 'graphql-ws';
import { gqlRequest, wsClient, type GqlError, type GqlResponse } from '../helpers/gql-client';
import { createMember } from '../helpers/members';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Small limits, so each one is reached by a request of a few lines.
let t: TestApp;
let ws: Client;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    GRAPHQL_MAX_TOKENS: '400',
    GRAPHQL_MAX_ALIASES: '5',
    GRAPHQL_MAX_DEPTH: '6',
    GRAPHQL_MAX_DIRECTIVES: '4',
    GRAPHQL_MAX_MUTATION_FIELDS: '3',
    GRAPHQL_MAX_COMPLEXITY: '1500',
    HTTP_BODY_LIMIT: '8kb',
    GRAPHQL_INTROSPECTION: 'false',
    GRAPHQL_SUGGESTIONS: 'false',
  });
  // Anonymous sockets may only watch public stock: the operations run on a member's socket.
  ws = wsClient(t.wsUrl, (await createMember(t.app)).token);
});

afterAll(async () => {
  await ws?.dispose();
  await t?.stop();
});

const http = (query: string, variables?: Record<string, unknown>, token?: string) =>
  gqlRequest<unknown, Record<string, unknown>>(t.url, query, variables, token);
const code = (res: { errors?: readonly GqlError[] }) => res.errors?.[0]?.extensions?.code;

/** Runs one operation over the websocket; resolves with its result or its refusal. */
function overWs(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: unknown; errors?: readonly GqlError[] }> {
  return new Promise((resolve) => {
    let result: { data?: unknown; errors?: readonly GqlError[] } = {};
    ws.subscribe(
      { query, variables },
      {
        next: (value) => void (result = value as typeof result),
        error: (err) => resolve({ errors: err as GqlError[] }),
        complete: () => resolve(result),
      },
    );
  });
}

const aliases = (n: number, field: string) =>
  Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join('\n');

/** Refused on both transports with the code; on HTTP with a 4xx status. */
async function expectRefused(
  query: string,
  expected: string,
  variables?: Record<string, unknown>,
  message?: RegExp,
): Promise<GqlResponse<unknown>> {
  const res = await http(query, variables);
  expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: expected });
  expect(res.data ?? undefined).toBeUndefined();
  const overSocket = await overWs(query, variables);
  expect(code(overSocket)).toBe(expected);
  if (message) {
    expect(res.errors?.map((e) => e.message).join('\n')).toMatch(message);
    expect(overSocket.errors?.map((e) => e.message).join('\n')).toMatch(message);
  }
  return res;
}

describe('HTTP status of refusals', () => {
  it.each([
    ['garbage', 'not-a-token'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        '{"sub":"1","role":"ADMIN","sid":"x","iss":"rocket-mart"}',
      ).toString('base64url')}.`,
    ],
  ])('a %s bearer token is 401 UNAUTHENTICATED, not 500', async (_name, token) => {
    const res = await http('{ serverTime }', undefined, token);
    expect(res.status).toBe(401);
    expect(code(res)).toBe('UNAUTHENTICATED');
  });

  it('a page size far over the cost limit is 400, not 500', async () => {
    await expectRefused(
      '{ products(first: 1000000000) { totalCount } }',
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await http(`{ serverTime } # ${'x'.repeat(10_000)}`);
    expect({ status: res.status, code: code(res) }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});

describe('the operation guard, on HTTP and websockets', () => {
  it('an accepted operation runs on both', async () => {
    const res = await http('{ serverTime }');
    expect(res.status).toBe(200);
    expect(code(res)).toBeUndefined();
    expect((await overWs('{ serverTime }')).data).toHaveProperty('serverTime');
  });

  it('refuses introspection and suggests no field names when they are off', async () => {
    await expectRefused('{ __schema { types { name } } }', 'GRAPHQL_VALIDATION_FAILED');
    const typo = await expectRefused('{ serverTim }', 'GRAPHQL_VALIDATION_FAILED');
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
    expect((await overWs('{ serverTim }')).errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('refuses a document over the token limit before validating it', async () => {
    await expectRefused(
      `{ ${'__typename '.repeat(401)} }`,
      'GRAPHQL_PARSE_FAILED',
      undefined,
      /more that 400 tokens/,
    );
  });

  it('refuses aliases over the limit', async () => {
    await expectRefused(
      `{ ${aliases(6, 'serverTime')} }`,
      'GRAPHQL_VALIDATION_FAILED',
      undefined,
      /Aliases limit/i,
    );
  });

  it('refuses directives over the limit', async () => {
    await expectRefused(
      `{ serverTime ${'@include(if: true) '.repeat(5)} }`,
      'GRAPHQL_VALIDATION_FAILED',
      undefined,
      /Directives limit/i,
    );
  });

  it('counts depth through named fragments', async () => {
    // Four levels in the operation would pass; the fragments carry the rest.
    const query = `
      query { products(first: 1) { ...E } }
      fragment E on ProductConnection { edges { ...N } }
      fragment N on ProductEdge { node { likes { ...L } } }
      fragment L on ProductLikeConnection { edges { node { product { id } } } }`;
    await expectRefused(query, 'GRAPHQL_VALIDATION_FAILED', undefined, /depth limit/);
  });

  it('refuses more root fields per mutation than the limit', async () => {
    await expectRefused(
      `mutation { ${aliases(4, 'logout { ok }')} }`,
      'GRAPHQL_VALIDATION_FAILED',
      undefined,
      /Mutation limit of 3 root fields/,
    );
  });

  it('refuses alias amplification of resetPassword, purchase and products', async () => {
    const reset = `resetPassword(input: { token: "x", newPassword: "long enough pw" }) { user { id } }`;
    // Two hashing mutations in one request: refused, even through a fragment.
    const oneAuth = /one authentication mutation/;
    const V = 'GRAPHQL_VALIDATION_FAILED';
    await expectRefused(`mutation { ${aliases(2, reset)} }`, V, undefined, oneAuth);
    await expectRefused(
      `mutation { a: ${reset} ...F } fragment F on Mutation { b: ${reset} }`,
      V,
      undefined,
      oneAuth,
    );
    // Purchases: the root-field limit bounds how many units one request can hold.
    const purchase = (i: number) =>
      `p${i}: purchase(input: { productId: "1", idempotencyKey: "k${i}" }) { __typename }`;
    await expectRefused(
      `mutation { ${[0, 1, 2, 3].map(purchase).join('\n')} }`,
      V,
      undefined,
      /Mutation limit/,
    );
    // Products: each page costs its weight plus its size; five pages are over the cost limit.
    await expectRefused(
      `{ ${aliases(5, 'products(first: 100) { edges { node { id name } } }')} }`,
      V,
      undefined,
      /too complex/,
    );
  });

  it('measures @skip and @include with their variables: no cached bypass', async () => {
    const page = 'products(first: 100) @skip(if: $skip) { edges { node { id name description } } }';
    const query = `query Q($skip: Boolean!) { a: ${page} b: ${page} c: ${page} serverTime }`;
    // Skipped, it is cheap and runs; the same text not skipped must be measured again.
    const skipped = await http(query, { skip: true });
    expect(skipped.status).toBe(200);
    expect(code(skipped)).toBeUndefined();
    await expectRefused(query, 'GRAPHQL_VALIDATION_FAILED', { skip: false }, /too complex/);
  });

  it('fails closed: variables that do not fit are refused, not waved through', async () => {
    const query = `query Q($first: Int!) { products(first: $first) { edges { node { id } } } }`;
    await expectRefused(query, 'BAD_USER_INPUT', { first: 'a billion' });
    await expectRefused(query, 'BAD_USER_INPUT', {});
    await expectRefused(query, 'GRAPHQL_VALIDATION_FAILED', { first: 1_000_000_000 });
  });

  it('a document with two operations and no name is refused, not measured as zero', async () => {
    const res = await http(
      `query A { products(first: 100) { edges { node { id } } } } query B { serverTime }`,
    );
    expect(res.status).toBe(400);
    expect(res.data ?? undefined).toBeUndefined();
  });
});
