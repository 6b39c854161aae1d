import Redis from 'ioredis';
import type { Config } from '../config';
import { registerScripts } from '../lua';

export type AppRedis = ReturnType<typeof createRedis>;

/** A Redis connection with the app's key prefix and its Lua scripts registered as commands. */
export function createRedis(config: Config['redis'], name = 'main') {
  const redis = new Redis({
    host: config.host,
    port: config.port,
    password: config.password,
    db: config.db,
    keyPrefix: config.keyPrefix,
    connectionName: `rocket-mart:${name}`,
    lazyConnect: true,
    // Commands wait for a reconnect instead of failing at once; 3 tries bound a request's wait.
    maxRetriesPerRequest: 3,
    // A command Redis does not answer in time fails instead of holding its request.
    commandTimeout: config.commandTimeoutMs,
    // Commands issued in the same event-loop turn go out in one write (one syscall on each side):
    // under a sale's burst this is most of the cost of talking to Redis.
    enableAutoPipelining: true,
  });
  return registerScripts(redis);
}
