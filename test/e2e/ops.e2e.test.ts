import { ServerTimeDocument } from '../graphql/generated';
import { dataOf, subscribe } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { createMembers } from '../helpers/members';
import { parse } from 'graphql';

let t: TestApp;
const base = () => t.url.replace(/\/graphql$/, '');

beforeAll(async () => {
  t = await startTestApp(__filename);
});

afterAll(async () => {
  await t?.stop();
});

it('/healthz answers and /readyz checks MySQL, Redis and Kafka', async () => {
  expect((await fetch(`${base()}/healthz`)).status).toBe(200);
  const ready = await fetch(`${base()}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    status: 'ready',
    checks: { mysql: 'ok', redis: 'ok', kafka: 'ok' },
  });
});

it('serves Apollo Sandbox to browsers at /graphql outside production', async () => {
  const page = await fetch(t.url, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/embeddable-sandbox|Apollo Sandbox/i);
});

it('counts operations in Prometheus /metrics', async () => {
  dataOf(await t.gql(ServerTimeDocument));
  const text = await (await fetch(`${base()}/metrics`)).text();
  expect(text).toMatch(
    /graphql_operations_total\{operation="serverTime",type="query",outcome="ok"\} [1-9]/,
  );
  expect(text).toContain('process_cpu_seconds_total');
});

it('serverTime agrees with the clock', async () => {
  const { serverTime } = dataOf(await t.gql(ServerTimeDocument));
  expect(Math.abs(new Date(serverTime).getTime() - Date.now())).toBeLessThan(5_000);
});

it('stop drains: an open websocket is closed and the port stops answering', async () => {
  const other = await startTestApp(`${__filename}-drain`);
  const client = other.ws();
  const sub = subscribe(client, parse('subscription { orderStatusChanged { orderId } }'));
  // Anonymous sockets may connect; this subscription needs a member, so it errors with a code.
  await waitFor(() => sub.error !== undefined || sub.events.length > 0);
  const errors = (sub.error ?? sub.events[0]?.errors) as { extensions?: { code?: string } }[];
  expect(errors[0].extensions?.code).toBe('UNAUTHENTICATED');
  // Queries over a websocket need a member (anonymous sockets watch public stock only).
  const [member] = await createMembers(other.app, 1);
  const quick = other.ws(member.token);
  const alive = subscribe(quick, parse('query { serverTime }'));
  await waitFor(() => alive.events.length > 0);
  await other.stop();
  await expect(fetch(other.url.replace('/graphql', '/healthz'))).rejects.toThrow();
  await client.dispose();
  await quick.dispose();
});
