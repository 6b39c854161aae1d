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
 *
 * Concurrent writes share WAITs: a WAIT sent after a write's reply covers that write (one
 * connection runs its commands in order), so each connection has at most one WAIT out and one
 * more that every write answered meanwhile joins, sent when the first is answered.
 */
const ACKNOWLEDGED_SCRIPTS = [
  'saleReserve',
  'salePayClaim',
  'salePay',
  'saleRelease',
  // A waiting-room ticket is on a replica before its member hears of it.
  'roomJoin',
] as const;

/** What WAIT has cost so far on one connection. */
export interface ReplicationStats {
  /** Writes that waited for replicas. */
  writes: number;
  /** WAITs sent (one covers every write answered while it is out). */
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
  return {
    ...(stats.get(redis) ?? { writes: 0, waits: 0, shortfalls: 0, unreplicated: 0, waitMs: 0 }),
  };
}

/** Makes the acknowledged scripts of `redis` wait for `config.waitReplicas` replicas. */
export function waitForReplicas<R extends RedisClient & ScriptCommands>(
  redis: R,
  config: Pick<Config['redis'], 'waitReplicas' | 'waitTimeoutMs' | 'keyPrefix'>,
): R {
  if (config.waitReplicas <= 0) return redis;
  const own: ReplicationStats = { writes: 0, waits: 0, shortfalls: 0, unreplicated: 0, waitMs: 0 };
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
  /** Per connection: the WAIT out, and the one to send after it. */
  const lanes = new WeakMap<Redis, { out?: Promise<number>; next?: Promise<number> }>();
  const send = (connection: Redis, lane: { out?: Promise<number> }): Promise<number> => {
    const started = performance.now();
    const sent: Promise<number> = connection
      .wait(config.waitReplicas, config.waitTimeoutMs)
      .catch(() => 0)
      .then((acked) => {
        if (lane.out === sent) lane.out = undefined;
        own.waits++;
        own.waitMs += performance.now() - started;
        if (acked < config.waitReplicas) own.shortfalls++;
        return acked;
      });
    return (lane.out = sent);
  };
  /** Resolves once a WAIT sent after this call is answered. */
  const replicated = (connection: Redis): Promise<number> => {
    let lane = lanes.get(connection);
    if (!lane) lanes.set(connection, (lane = {}));
    const { out } = lane;
    if (!out) return send(connection, lane);
    // The WAIT out may have run before this write: the next one covers it.
    const queue = lane;
    queue.next ??= out.then(() => {
      queue.next = undefined;
      return send(connection, queue);
    });
    return queue.next;
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
        own.writes++;
        await replicated(connection);
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
