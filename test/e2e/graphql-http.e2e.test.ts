import { startTestApp, type TestApp } from '../helpers/test-app';

// GraphQL POSTs with a JSON body are answered by the direct handler (src/http/graphql-post.ts),
// everything else on /graphql by Express: both give the same answers.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    CORS_ORIGINS: 'https://shop.example',
    HTTP_BODY_LIMIT: '2kb',
  });
});

afterAll(async () => {
  await t?.stop();
});

const post = (body: string, headers: Record<string, string> = {}, path = '') =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const query = JSON.stringify({ query: '{ __typename }' });

describe('GraphQL over HTTP POST', () => {
  it('answers a JSON POST, with or without a charset and a query string', async () => {
    for (const [type, path] of [
      ['application/json', ''],
      ['application/json; charset=utf-8', ''],
      ['application/json', '?from=test'],
    ]) {
      const res = await post(query, { 'content-type': type }, path);
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 200,
        body: { data: { __typename: 'Query' } },
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('reflects an allowed origin and no other, and always varies by origin', async () => {
    const allowed = await post(query, { origin: 'https://shop.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    const other = await post(query, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toMatch(/origin/i);
    expect(other.status).toBe(200);
  });

  it('refuses broken JSON and an oversized body with coded JSON errors, and an empty body with 400', async () => {
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors[0].extensions.code).toBe('BAD_REQUEST');

    const big = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(4000)}` }));
    expect(big.status).toBe(413);
    expect((await big.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');

    // An empty body is an empty request: Apollo's own 400, not a crash.
    const empty = await post('');
    expect(empty.status).toBe(400);
    // The server goes on serving.
    expect((await post(query)).status).toBe(200);
  });

  it('a bad bearer token is 401 UNAUTHENTICATED on the direct path too', async () => {
    const res = await post(query, { authorization: 'Bearer not-a-token' });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('other requests on /graphql still go through Express: preflight, GET and other types', async () => {
    const preflight = await fetch(t.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');

    const get = await fetch(`${t.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });

    // A plain-text POST is what a cross-site form could send: Apollo's CSRF check refuses it.
    const text = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: query,
    });
    expect(text.status).toBe(400);
  });
});
