import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// docker-compose.yml, as Docker would read it: no backend on a host port, and the published dev
// secrets only in development profiles.
interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const isApp = (s: Service) => s.build !== undefined;
const DEV_PROFILES = ['dev', 'cluster'];

describe('docker-compose.yml', () => {
  it('publishes no backend (MySQL, Redis, Kafka) on any host port', () => {
    const backends = services.filter(([, s]) => /mysql|redis|kafka/.test(s.image ?? ''));
    expect(backends.length).toBeGreaterThan(3);
    for (const [name, s] of backends) expect([name, s.ports ?? []]).toEqual([name, []]);
  });

  it('binds every port of a development service, and the mail UI, to loopback', () => {
    for (const [name, s] of services) {
      const dev = s.environment?.NODE_ENV === 'development' || /mailpit/.test(s.image ?? '');
      if (!dev) continue;
      for (const port of s.ports ?? [])
        expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)]);
    }
  });

  it('runs the app with dev secrets only in a development profile, and production without defaults', () => {
    const apps = services.filter(([, s]) => isApp(s));
    expect(apps.length).toBeGreaterThan(4);
    for (const [name, s] of apps) {
      const env = s.environment ?? {};
      expect(s.profiles?.length).toBeGreaterThan(0);
      if (env.NODE_ENV === 'development') {
        expect([name, s.profiles!.every((p) => DEV_PROFILES.includes(p))]).toEqual([name, true]);
      } else {
        expect([name, env.NODE_ENV]).toEqual([name, 'production']);
        expect([name, env.JWT_SECRET]).toEqual([name, '${JWT_SECRET:-}']);
        expect([name, env.DATA_ENCRYPTION_KEY]).toEqual([name, '${DATA_ENCRYPTION_KEY:-}']);
        expect(s.profiles!.some((p) => DEV_PROFILES.includes(p))).toBe(false);
      }
    }
  });
});
