import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, loadConfig } from './config';

describe('config', () => {
  it('works with no environment at all (development defaults)', () => {
    const config = loadConfig({});
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

  it('refuses the development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET, DATA_ENCRYPTION_KEY/);
  });

  it('.env.example documents exactly the variables the app reads', () => {
    const text = readFileSync(join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });
});
