import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, loadConfig } from './config';

describe('config', () => {
  it('works with only NODE_ENV=development (development defaults)', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.http.port).toBe(4000);
    expect(config.mysql.dbName).toBe('rocket_mart');
    expect(config.auth.dataKey).toHaveLength(32);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('lists every bad variable in one error', () => {
    expect(() =>
      loadConfig({ HTTP_PORT: 'eighty', PUBLIC_URL: 'not a url', DATA_ENCRYPTION_KEY: 'short' }),
    ).toThrow(/HTTP_PORT[\s\S]*PUBLIC_URL|PUBLIC_URL[\s\S]*HTTP_PORT/);
    try {
      loadConfig({ HTTP_PORT: 'eighty', PUBLIC_URL: 'not a url', DATA_ENCRYPTION_KEY: 'short' });
    } catch (err) {
      expect(String(err)).toContain('DATA_ENCRYPTION_KEY');
    }
  });

  it('refuses the development secrets unless NODE_ENV is development or test', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET, DATA_ENCRYPTION_KEY/);
    // A deployment that forgets NODE_ENV gets production, not the published secrets.
    expect(() => loadConfig({})).toThrow(/JWT_SECRET, DATA_ENCRYPTION_KEY/);
    expect(loadConfig({ NODE_ENV: 'test' }).auth.jwtSecret).toBeDefined();
  });

  it('reads trusted proxies as a hop count or an address list', () => {
    const dev = { NODE_ENV: 'development' };
    expect(loadConfig(dev).http.trustedProxies).toBe(0);
    expect(loadConfig({ ...dev, HTTP_TRUSTED_PROXIES: '2' }).http.trustedProxies).toBe(2);
    expect(
      loadConfig({ ...dev, HTTP_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' }).http.trustedProxies,
    ).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(() => loadConfig({ ...dev, HTTP_TRUSTED_PROXIES: 'true' })).toThrow(
      /HTTP_TRUSTED_PROXIES/,
    );
  });

  it('turns introspection and suggestions off in production unless enabled', () => {
    const secrets = {
      JWT_SECRET: 'x'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    const prod = loadConfig({ NODE_ENV: 'production', ...secrets }).graphql;
    expect([prod.introspection, prod.suggestions]).toEqual([false, false]);
    const dev = loadConfig({ NODE_ENV: 'development' }).graphql;
    expect([dev.introspection, dev.suggestions]).toEqual([true, true]);
    expect(
      loadConfig({ NODE_ENV: 'production', ...secrets, GRAPHQL_INTROSPECTION: 'true' }).graphql
        .introspection,
    ).toBe(true);
  });

  it('.env.example documents exactly the variables the app reads', () => {
    const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});
