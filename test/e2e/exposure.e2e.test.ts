import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { buyAndPay, createMembers, createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// What an instance exposes besides GraphQL, its readiness, and its refusal of unsafe settings.
const root = join(__dirname, '../..');
const services = (command: string) =>
  execFileSync('bash', [join(root, 'scripts/services.sh'), command], {
    stdio: 'ignore',
    timeout: 120_000,
  });
const base = (t: TestApp) => t.url.replace(/\/graphql$/, '');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('/metrics', () => {
  it('labels by schema root field: client-chosen operation names never become labels', async () => {
    const t = await startTestApp(__filename);
    try {
      for (let i = 0; i < 3; i++) {
        dataOf(await gqlRequest(t.url, `query Random${i}x${Date.now()} { serverTime }`));
      }
      const text = await (await fetch(`${base(t)}/metrics`)).text();
      expect(text).not.toMatch(/Random\d/);
      expect(text).toMatch(
        /graphql_operations_total\{operation="serverTime",type="query",outcome="ok"\} 3/,
      );
    } finally {
      await t.stop();
    }
  });

  it('on its own port with a token: not on the API port, and refused without the token', async () => {
    const metricsPort = await freePort();
    const t = await startTestApp(`${__filename}-own-port`, {
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: 'scrape-me',
    });
    try {
      expect((await fetch(`${base(t)}/metrics`)).status).toBe(404);
      const url = `http://127.0.0.1:${metricsPort}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-me' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('process_cpu_seconds_total');
    } finally {
      await t.stop();
    }
  });
});

it('a response deadline: an operation still running by then is answered with TIMEOUT', async () => {
  const t = await startTestApp(`${__filename}-deadline`, { GRAPHQL_EXECUTION_TIMEOUT_MS: '1' });
  try {
    // Sign-up hashes a password and writes two rows: far longer than 1 ms.
    const signUp = () =>
      gqlRequest(
        t.url,
        `mutation { signUp(input: { email: "late.${Date.now()}@example.com", password: "a long password", name: "L" }) { accepted } }`,
      );
    const res = await signUp();
    expect(res.status).toBe(503);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['TIMEOUT']);
    // The late answer of the operation is dropped without harm: the server goes on serving.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(t.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect((await signUp()).errors?.[0]?.extensions?.code).toBe('TIMEOUT');
  } finally {
    await t.stop();
  }
});

it('/readyz of the api role stays ready while Kafka is stopped and the outbox fills', async () => {
  const t = await startTestApp(`${__filename}-api`, {
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
  });
  const productId = await createProduct(t.app, { stock: 3 });
  const [m] = await createMembers(t.app, 1);
  services('stop-kafka');
  try {
    await buyAndPay(t, m, productId);
    const res = await fetch(`${base(t)}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.kafka).toMatch(/^down/);
    expect(body.checks).toMatchObject({ mysql: 'ok', redis: 'ok' });
  } finally {
    services('start-kafka');
    await t.stop();
  }
}, 120_000);

describe('development secrets', () => {
  const main = join(root, 'dist/src/main.js');
  beforeAll(() => {
    // CI builds before testing; a fresh checkout builds here once.
    if (!existsSync(main)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }, 300_000);

  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const { JWT_SECRET: _j, DATA_ENCRYPTION_KEY: _d, NODE_ENV: _n, ...rest } = process.env;
      const child = execFile(
        process.execPath,
        [main],
        { env: { ...rest, HTTP_PORT: '0', LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
        (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      );
      child.stdin?.end();
    });

  it.each([
    ['unset', {}],
    ['production', { NODE_ENV: 'production' }],
  ])('with NODE_ENV %s the server refuses to start on the built-in secrets', async (_n, env) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/JWT_SECRET, DATA_ENCRYPTION_KEY/);
  });
});
