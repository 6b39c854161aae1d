import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config';
import { createRedisClient } from '../../src/clients/redis';

const run = promisify(execFile);

/** One line of CLUSTER NODES. */
export interface ClusterNode {
  id: string;
  port: number;
  master: boolean;
  /** The master's id, for a replica. */
  masterId: string | null;
  /** Marked failing (fail or fail?) by the node asked. */
  failing: boolean;
  slots: [number, number][];
}

/** The services script's commands for the local cluster (kill-redis-node, start-redis-node …). */
export async function clusterServices(...args: string[]): Promise<void> {
  await run('bash', [join(__dirname, '..', '..', 'scripts', 'services.sh'), ...args], {
    env: process.env,
    timeout: 60_000,
  });
}

/** A plain connection to one node of the cluster (for CLUSTER and INFO). */
export function nodeConnection(config: Config['redis'], port: number): Redis {
  return createRedisClient(
    { ...config, clusterNodes: [], host: '127.0.0.1', port },
    `admin-${port}`,
    { autoPipelining: false },
  ) as Redis;
}

/** CLUSTER NODES as one node sees it. */
export async function clusterNodes(node: Redis): Promise<ClusterNode[]> {
  const text = String(await node.call('CLUSTER', 'NODES'));
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.trim().split(' ');
      const flagList = flags.split(',');
      return {
        id,
        port: Number(address.split('@')[0].split(':')[1]),
        master: flagList.includes('master'),
        masterId: master === '-' ? null : master,
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => {
            const [from, to] = s.split('-').map(Number);
            return [from, to ?? from] as [number, number];
          }),
      };
    });
}

/** The healthy master that serves `slot`, as `nodes` describe the cluster. */
export function ownerOf(nodes: ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find(
    (n) => n.master && !n.failing && n.slots.some(([from, to]) => slot >= from && slot <= to),
  );
}

/** Whether a node is a replica whose link to its master is up (INFO replication). */
export async function replicaInSync(node: Redis): Promise<boolean> {
  const info = String(await node.info('replication'));
  return /role:slave/.test(info) && /master_link_status:up/.test(info);
}
