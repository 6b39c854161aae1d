import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from '../config';
import { waitForReplicas } from './redis-wait';
import { registerScripts, VARIABLE_KEY_SCRIPTS, type ScriptCommands } from '../lua';

/** A single Redis or a Redis Cluster client: the commands the app uses are the same on both. */
export type RedisClient = Redis | Cluster;

/** The app's Redis connection: key prefix set, Lua scripts registered as commands. */
export type AppRedis = RedisClient & ScriptCommands;

/** Options shared by a single connection and by each connection to a cluster node. */
function connectionOptions(config: Config['redis'], name: string): RedisOptions {
  return {
    password: config.password,
    connectionName: `rocket-mart:${name}`,
    // Commands wait for a reconnect instead of failing at once; 3 tries bound a request's wait.
    maxRetriesPerRequest: 3,
    // A command Redis does not answer in time fails instead of holding its request.
    commandTimeout: config.commandTimeoutMs,
  };
}

/**
 * A Redis connection (without the app's scripts): a Cluster client when `REDIS_CLUSTER_NODES`
 * is set, else a single Redis. `keyPrefix` is applied to keys, never to pub/sub channels.
 */
export function createRedisClient(
  config: Config['redis'],
  name: string,
  extra: {
    keyPrefix?: string;
    lazyConnect?: boolean;
    /** Off for subscriber connections: (S)SUBSCRIBE must not be batched into a pipeline. */
    autoPipelining?: boolean;
    /** A cluster client that can SSUBSCRIBE (one extra connection per master). */
    shardedSubscribers?: boolean;
  } = {},
): RedisClient {
  const {
    keyPrefix,
    lazyConnect = true,
    autoPipelining = true,
    shardedSubscribers = false,
  } = extra;
  if (config.clusterNodes.length === 0) {
    return new Redis({
      ...connectionOptions(config, name),
      host: config.host,
      port: config.port,
      db: config.db,
      keyPrefix,
      lazyConnect,
      // Commands issued in the same event-loop turn go out in one write (one syscall on each
      // side): under a sale's burst this is most of the cost of talking to Redis.
      enableAutoPipelining: autoPipelining,
    });
  }
  const options: ClusterOptions = {
    keyPrefix,
    lazyConnect,
    redisOptions: connectionOptions(config, name),
    // Reads and writes go to the slot's master: a replica may lag behind a reservation.
    scaleReads: 'master',
    // Per slot owner, like the single Redis: one write per node per event-loop turn.
    enableAutoPipelining: autoPipelining,
    // Auto-pipelining groups commands by the node of their first argument; a script called with
    // its key count first would be grouped with the wrong node and fail its whole batch.
    autoPipeliningIgnoredCommands: VARIABLE_KEY_SCRIPTS,
    // A failover takes the node timeout (a few seconds) to promote a replica: commands to the
    // lost master are retried after a slot refresh instead of failing at once.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: 2000,
    // The cluster client keeps reconnecting to its seed nodes whatever happens.
    clusterRetryStrategy: (times) => Math.min(100 + times * 50, 2000),
    // The slot map is read again every few seconds, so a node back as a replica is seen.
    slotsRefreshInterval: 5000,
    shardedSubscribers,
  };
  return new Cluster(config.clusterNodes, options);
}

/** The app's Redis connection: the key prefix, and the Lua scripts registered as commands. */
export function createRedis(config: Config['redis'], name = 'main'): AppRedis {
  const redis = registerScripts(createRedisClient(config, name, { keyPrefix: config.keyPrefix }));
  return waitForReplicas(redis, config);
}

/** Whether a client talks to a Redis Cluster. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as Cluster).isCluster === true;
}

/** The nodes that hold keys: every master of a cluster, or the single Redis itself. */
export function keyNodes(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

/**
 * Every key matching `pattern` (a full key, prefix included: SCAN does not apply keyPrefix) on
 * every node that holds keys.
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of keyNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/**
 * Deletes every key matching `pattern` (a full key) on every node. Each key is deleted on its
 * own node with the client's prefix left off, so it works on a cluster (no cross-slot DEL).
 */
export async function deleteKeys(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const node of keyNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) {
        const prefix = node.options.keyPrefix ?? '';
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key.slice(prefix.length));
        await pipeline.exec();
        deleted += keys.length;
      }
    } while (cursor !== '0');
  }
  return deleted;
}
