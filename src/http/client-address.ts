import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
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

/**
 * The key per-address limits count a client under: an IPv4 address as it is, an IPv6 address by
 * its /64 (one subscriber's or host's prefix; walking its 2^64 addresses is free), and an
 * IPv4-mapped IPv6 address as the IPv4 address it carries.
 */
export function addressBucket(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  // A trailing dotted quad is two groups; only the first four groups matter here.
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length - (/\./.test(address) ? 1 : 0);
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups]
    : headGroups;
  const prefix = groups.slice(0, 4).map((g) => (/^[0-9a-f]+$/.test(g) ? parseInt(g, 16) : 0));
  return `${prefix.map((g) => g.toString(16)).join(':')}::/64`;
}
