import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { startTestApp, type TestApp } from '../helpers/test-app';

// What the API port shows besides GraphQL: metrics, readiness, security headers, landing page.
const root = join(__dirname, '../..');
const base = (t: TestApp) => t.url.replace(/\/graphql$/, '');
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('base64'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
} as const;

beforeAll(() => {
  // The pages under test are the built ones (CI builds first).
  if (!existsSync(join(root, 'dist/web/widget/index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'ignore' });
  }
}, 120_000);

describe('production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(__filename, PRODUCTION);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves no /metrics on the public port unless it has a token', async () => {
    expect((await fetch(`${base(t)}/metrics`)).status).toBe(404);
  });

  it('the landing page loads no script from a CDN', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/cdn\.apollographql\.com|<script/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'none'/);
  });
});

describe('readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(`${__filename}-ready`, { APP_ROLE: 'api' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('says down without internal error text, and asks Kafka at most once in a burst', async () => {
    const kafka = t.app.services.kafka;
    const admin = kafka.admin.bind(kafka);
    let calls = 0;
    jest.spyOn(kafka, 'admin').mockImplementation((...args) => {
      const real = admin(...args);
      real.connect = () => Promise.resolve();
      real.describeCluster = () => {
        calls++;
        return Promise.reject(new Error('broker kafka-internal-7.prod:9092 refused SASL'));
      };
      return real;
    });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await fetch(`${base(t)}/readyz`));
    const body = (await answers[0]!.json()) as { checks: Record<string, string> };
    expect(body.checks.kafka).toBe('down');
    expect(JSON.stringify(body)).not.toMatch(/kafka-internal|SASL/);
    expect(calls).toBe(1);
  });
});

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(`${__filename}-headers`);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const csp = (res: Response) => res.headers.get('content-security-policy') ?? '';

  it('the storefront has a CSP with no inline script and no framing', async () => {
    const res = await fetch(`${base(t)}/shop/`);
    expect(res.status).toBe(200);
    expect(csp(res)).toMatch(/script-src 'self'(;| [^;]*;)/);
    expect(csp(res)).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp(res)).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('the widget demo runs only its own script files; the script stays embeddable', async () => {
    const demo = await fetch(`${base(t)}/widget/`);
    expect(csp(demo)).toMatch(/script-src 'self';/);
    expect(await demo.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await fetch(`${base(t)}/widget/rocket-stock.js`);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('a forged Host header neither breaks the page nor writes into its policy', async () => {
    const { port } = new URL(t.url);
    const get = (host: string) =>
      new Promise<{ status: number; csp: string; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/shop/', headers: { host } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                csp: String(res.headers['content-security-policy'] ?? ''),
                body,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    const forged = await get("evil.example; frame-ancestors *; script-src 'unsafe-inline'");
    expect(forged.status).toBe(200);
    expect(forged.body).not.toMatch(/at .*\.js:\d+/);
    expect(forged.csp).not.toMatch(/evil|script-src[^;]*unsafe-inline|frame-ancestors \*/);
    expect(forged.csp).toMatch(/frame-ancestors 'none'/);
    expect((await get(`127.0.0.1:${port}`)).csp).toMatch(
      new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${port} wss://127\\.0\\.0\\.1:${port}`),
    );
  });

  it('the page a mail link opens has the same policy', async () => {
    const res = await fetch(`${base(t)}/verify-email?token=nope`);
    expect(csp(res)).toMatch(/default-src 'self'/);
    expect(csp(res)).toMatch(/frame-ancestors 'none'/);
  });
});
