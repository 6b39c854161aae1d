import { gqlRequest, type GqlResponse } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename);
});

afterAll(async () => {
  await t?.stop();
});

const http = (query: string, variables?: Record<string, unknown>, token?: string) =>
  gqlRequest<unknown, Record<string, unknown>>(t.url, query, variables, token);
const code = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;

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
    const res = await http('{ products(first: 1000000000) { totalCount } }');
    expect(res.status).toBe(400);
    expect(code(res)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
