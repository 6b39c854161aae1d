import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { RedisClient } from '../../src/clients/redis';

/** Local TCP ports of this process's connections to `remotePort` (Linux: /proc/self). */
function ownPortsTo(remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      if (parseInt(cols[2]!.split(':').at(-1)!, 16) !== remotePort) continue;
      ports.add(parseInt(cols[1]!.split(':').at(-1)!, 16));
    }
  }
  return ports;
}

/**
 * Kills (CLIENT KILL ID) this process's connections named `rocket-mart:<name>` on a single
 * Redis, leaving other processes' connections of that name alone: the shared Redis serves
 * other test runs too. Returns how many it killed.
 */
export async function killOwnConnections(
  redis: RedisClient,
  redisPort: number,
  name: string,
): Promise<number> {
  const ours = ownPortsTo(redisPort);
  const list = String(await redis.call('CLIENT', 'LIST'));
  let killed = 0;
  for (const line of list.split('\n')) {
    const fields = Object.fromEntries(
      line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    const port = Number(
      String(fields.addr ?? '')
        .split(':')
        .at(-1),
    );
    if (fields.name !== `rocket-mart:${name}` || !ours.has(port)) continue;
    await redis.call('CLIENT', 'KILL', 'ID', fields.id!);
    killed++;
  }
  return killed;
}
