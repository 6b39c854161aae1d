import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Who may set X-Forwarded-For: a hop count or the proxies' addresses and subnets. */
export type TrustedProxies = number | readonly string[];

/** proxy-addr's trust function for the setting; throws on an address it cannot read. */
export function compileTrust(trusted: TrustedProxies): (addr: string, hop: number) => boolean {
  if (typeof trusted === 'number') return (_addr, hop) => hop < trusted;
  return proxyaddr.compile([...trusted]);
}

/**
 * The client's address for HTTP requests and websocket upgrades alike: the socket's peer, or
 * the right-most X-Forwarded-For entry that a trusted proxy added. Entries a client wrote itself
 * are never used, so a forged header cannot move a request into another rate-limit bucket.
 */
export function createClientAddress(trusted: TrustedProxies) {
  const trust = compileTrust(trusted);
  return function clientAddress(req: IncomingMessage): string {
    if (!req.socket.remoteAddress) return 'unknown';
    return proxyaddr(req, trust);
  };
}

export type ClientAddress = ReturnType<typeof createClientAddress>;
