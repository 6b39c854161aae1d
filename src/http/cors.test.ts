import { loadConfig } from '../config';
import { isAllowedOrigin } from './cors';

describe('isAllowedOrigin', () => {
  const config = (CORS_ORIGINS?: string) =>
    loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://shop.example/', CORS_ORIGINS });

  it("allows PUBLIC_URL's origin, the configured origins and requests without an Origin", () => {
    const c = config('https://blog.example, https://news.example/');
    expect(isAllowedOrigin(c, 'https://shop.example')).toBe(true);
    expect(isAllowedOrigin(c, 'https://blog.example')).toBe(true);
    expect(isAllowedOrigin(c, 'https://NEWS.example')).toBe(true);
    expect(isAllowedOrigin(c, undefined)).toBe(true);
    expect(isAllowedOrigin(c, 'https://evil.example')).toBe(false);
    expect(isAllowedOrigin(c, 'http://blog.example')).toBe(false);
    expect(isAllowedOrigin(c, 'https://blog.example.evil')).toBe(false);
  });

  it('allows a page served by the host the request went to', () => {
    const c = config();
    expect(isAllowedOrigin(c, 'http://127.0.0.1:4000', '127.0.0.1:4000')).toBe(true);
    expect(isAllowedOrigin(c, 'http://127.0.0.1:4001', '127.0.0.1:4000')).toBe(false);
    expect(isAllowedOrigin(c, 'null', '127.0.0.1:4000')).toBe(false);
  });

  it('allows only its own origin by default, and any with *', () => {
    expect(isAllowedOrigin(config(), 'https://blog.example')).toBe(false);
    expect(isAllowedOrigin(config('*'), 'https://blog.example')).toBe(true);
  });
});
