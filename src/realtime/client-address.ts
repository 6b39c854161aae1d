import type { IncomingMessage } from 'node:http';

/**
 * The client address of a websocket upgrade: the socket's peer, or behind a trusted proxy
 * (HTTP_TRUST_PROXY) the first address of X-Forwarded-For.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
