import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { Config } from '../config';

/**
 * Whether a page from `origin` may use the API (GraphQL over HTTP and websockets): PUBLIC_URL's
 * own origin, the origins in CORS_ORIGINS, or any with `*`. A request without an Origin header
 * comes from no page (a server or a tool) and is allowed: tokens, not cookies, authenticate.
 * Given the request's Host header, a page served by this very host (the storefront, the widget's
 * demo) is allowed too; browsers send Origin on every websocket, also from the same origin.
 */
export function isAllowedOrigin(
  config: { publicUrl: string; http: { corsOrigins: readonly string[] } },
  origin: string | undefined,
  host?: string,
): boolean {
  if (!origin) return true;
  if (host && URL.canParse(origin) && new URL(origin).host === host.toLowerCase()) return true;
  const allowed = config.http.corsOrigins;
  if (allowed.includes('*')) return true;
  const normalised = origin.replace(/\/$/, '').toLowerCase();
  if (normalised === new URL(config.publicUrl).origin.toLowerCase()) return true;
  return allowed.some((o) => o.toLowerCase() === normalised);
}

/** CORS for `/graphql`: allowed origins may POST with a bearer token; preflights are cached. */
export function graphqlCors(config: Config) {
  return cors({
    origin: (origin, callback) => callback(null, isAllowedOrigin(config, origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight'],
    maxAge: 600,
  });
}

/**
 * The headers `graphqlCors` gives an actual (not preflight) request, for the direct GraphQL POST
 * handler: the allowed origin reflected, and `Vary: Origin`.
 */
export function graphqlCorsHeaders(config: Config) {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin && isAllowedOrigin(config, origin))
      res.setHeader('Access-Control-Allow-Origin', origin);
  };
}
