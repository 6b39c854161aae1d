import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config';

/** A host[:port] as a browser sends it: a name, an IPv4 address or a bracketed IPv6 one. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The websocket sources of the page's own origin, named for older Safari. The Host header is the
 * client's: anything but a plain host[:port] is left out (it would write into the policy, and
 * helmet refuses a value with ';' or ',' with an error, a 500 for a client's header).
 */
export function ownWebsockets(host: string | undefined): string {
  return host && HOST.test(host) ? `ws://${host} wss://${host}` : "'self'";
}

const COMMON = {
  referrerPolicy: { policy: 'no-referrer' as const },
  // Only the widget's script is for other sites; web.ts marks it cross-origin.
  crossOriginResourcePolicy: { policy: 'same-origin' as const },
};

/**
 * Helmet's headers on every Express route (nosniff, no-referrer, HSTS, COOP, CORP), with a CSP:
 * the storefront, the widget demo and the pages mail links open run only their own script files
 * (no inline script anywhere), connect only to their own origin and are never framed.
 * Inline styles stay allowed: the widget styles its shadow root with a <style> element. The
 * production landing page runs no script at all; the development Sandbox brings its own policy.
 */
export function securityHeaders(config: Pick<Config, 'env'>): RequestHandler {
  const pages = helmet({
    ...COMMON,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // 'self' covers same-origin websockets in current browsers; older Safari needs them named.
        connectSrc: ["'self'", (req) => ownWebsockets(req.headers.host)],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const landing = helmet({
    ...COMMON,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const sandbox = helmet({ ...COMMON, contentSecurityPolicy: false });
  const graphql = config.env === 'production' ? landing : sandbox;
  return (req, res, next) => (req.path.startsWith('/graphql') ? graphql : pages)(req, res, next);
}

const LANDING_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rocket Mart API</title></head><body style="font-family:sans-serif;max-width:36rem;margin:4rem auto"><h1>Rocket Mart GraphQL API</h1><p>Send GraphQL operations to this address with POST (JSON), or over a websocket (graphql-transport-ws). The storefront is at <a href="/shop/">/shop/</a>.</p></body></html>`;

/** The page browsers get at /graphql in production: ours, with no third-party script. */
export function landingPage(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: LANDING_PAGE };
        },
      };
    },
  };
}
