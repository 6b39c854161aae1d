import type { Cluster, Redis } from 'ioredis';
import type { Config } from '../config';
import { VARIABLE_KEY_SCRIPTS, type ScriptCommands } from '../lua';
import type { RedisClient } from './redis';

/**
 * The scripts whose effect a buyer is told about (a hold, a claim, a payment, a release). Redis
 * replicates asynchronously: a master that dies before its replica has such a write takes it
 * with it. With `REDIS_WAIT_REPLICAS` set, each of these replies only after `WAIT` has seen that
 * many replicas take the write, or its timeout passed (then the write stands on the master
 * alone: a sale goes on while a shard has no replica, e.g. just after a failover). WAIT holds
 * the shard's connection meanwhile, so the timeout should stay short.
 */
const ACKNOWLEDGED_SCRIPTS = ['saleReserve', 'salePayClaim', 'salePay', 'saleRelease'] as const;

/** What WAIT has cost so far on one connection. */
export interface ReplicationStats {
  /** WAITs sent. */
  waits: number;
  /** WAITs that timed out or failed before enough replicas had the write. */
  shortfalls: number;
  /** Writes not waited for: their master had too few replicas (e.g. just after a failover). */
  unreplicated: number;
  /** Time spent in WAIT, in total. */
  waitMs: number;
}

const stats = new WeakMap<object, ReplicationStats>();

/** The WAIT figures of a connection made by createRedis (zeros when WAIT is off). */
export function replicationStats(redis: object): ReplicationStats {
  return { ...(stats.get(redis) ?? { waits: 0, shortfalls: 0, unreplicated: 0, waitMs: 0 }) };
}

/** Makes the acknowledged scripts of `redis` wait for `config.waitReplicas` replicas. */
export function waitForReplicas<R extends RedisClient & ScriptCommands>(
  redis: R,
  config: Pick<Config['redis'], 'waitReplicas' | 'waitTimeoutMs' | 'keyPrefix'>,
): R {
  if (config.waitReplicas <= 0) return redis;
  const own: ReplicationStats = { waits: 0, shortfalls: 0, unreplicated: 0, waitMs: 0 };
  stats.set(redis, own);
  const masters = new Map<string, Redis>();
  /**
   * The connection that ran a command on `key` (WAIT counts that connection's writes), or
   * undefined when its master has fewer replicas than asked for. WAIT blocks the connection
   * that every command for the shard shares, so it is not sent when it could only time out
   * (e.g. a promoted replica whose old master is gone).
   */
  const connectionOf = (key: string): Redis | undefined => {
    if (!(redis as Cluster).isCluster) return redis as Redis;
    const cluster = redis as Cluster;
    const owners = cluster.slots[keySlot(`${config.keyPrefix}${key}`)];
    if (!owners || owners.length - 1 < config.waitReplicas) return undefined;
    let node = masters.get(owners[0]);
    if (!node || node.status === 'end') {
      node = cluster
        .nodes('master')
        .find((n) => `${n.options.host}:${n.options.port}` === owners[0]);
      if (node) masters.set(owners[0], node);
    }
    return node;
  };
  const scripts = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ACKNOWLEDGED_SCRIPTS) {
    const run = scripts[name];
    // A script called with its key count first has its first key second.
    const keyAt = VARIABLE_KEY_SCRIPTS.includes(name) ? 1 : 0;
    scripts[name] = function (this: unknown, ...args: unknown[]) {
      // ioredis copies the command onto its (auto-)pipelines: there it only queues the script.
      if (this !== redis) return run.apply(this, args);
      return run.apply(redis, args).then(async (reply) => {
        const connection = connectionOf(String(args[keyAt]));
        if (!connection) {
          own.unreplicated++;
          return reply;
        }
        const started = performance.now();
        const acked = await connection
          .wait(config.waitReplicas, config.waitTimeoutMs)
          .catch(() => 0);
        own.waits++;
        own.waitMs += performance.now() - started;
        if (acked < config.waitReplicas) own.shortfalls++;
        return reply;
      });
    };
  }
  return redis;
}

/** The Redis Cluster hash slot of a key (CRC16/XMODEM of the key or its `{hash tag}`). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(key)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
