import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { PubSub } from 'type-graphql';
import type { Config } from '../config';
import { createRedisClient, isCluster, type RedisClient } from './redis';

export interface AppPubSub extends PubSub {
  publish(routingKey: string, payload: unknown): void;
  /** Resolves once Redis has accepted the message (for callers that must know it left). */
  publishNow(routingKey: string, payload: unknown): Promise<void>;
  /**
   * Like `subscribe`, but resolves only once Redis listens, so nothing published afterwards can
   * be missed (e.g. between reading a current value and its next change).
   */
  subscribeReady<T>(routingKey: string, id?: unknown): Promise<AsyncIterableIterator<T>>;
  close(): Promise<void>;
}

/** An async iterator fed by `push`, ended by `return` (which runs `onEnd` once). */
export function queueIterator<T>(onEnd: () => void) {
  const queue: T[] = [];
  const waiting: ((r: IteratorResult<T>) => void)[] = [];
  let done = false;
  const end = (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      queue.length = 0;
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
      onEnd();
    }
    return Promise.resolve({ value: undefined, done: true });
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return end();
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: end,
    throw: async (err: unknown) => {
      await end();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    push(value: T) {
      if (done) return;
      const w = waiting.shift();
      if (w) w({ value, done: false });
      else queue.push(value);
    },
  };
}

/**
 * The Redis channel of a routing key (and id). Anything that publishes from outside this client,
 * such as a Lua script, must use this name. The id part is a hash tag (`ps:STOCK_CHANGED:{42}`):
 * on a Redis Cluster a product's channel lives on the shard of that product's sale keys
 * (`sale:{42}:…`), so the script that changes its stock may publish to it.
 */
export function pubSubChannel(keyPrefix: string, routingKey: string, id?: unknown): string {
  const full = id === undefined ? routingKey : `${routingKey}:${String(id)}`;
  const at = full.indexOf(':');
  if (at < 0) return `${keyPrefix}ps:${full}`;
  return `${keyPrefix}ps:${full.slice(0, at)}:{${full.slice(at + 1)}}`;
}

/**
 * The command a script publishes with on this connection: sharded pub/sub (Redis 7) on a
 * cluster, so a message travels to its channel's shard only; classic pub/sub on a single Redis.
 */
export function publishCommand(redis: RedisClient): 'PUBLISH' | 'SPUBLISH' {
  return isCluster(redis) ? 'SPUBLISH' : 'PUBLISH';
}

/**
 * A connection in subscriber mode. On a single Redis it uses classic pub/sub; on a cluster,
 * sharded pub/sub: one subscriber connection per master, each channel on its slot's master.
 */
export interface ChannelSubscriber {
  /** Resolves once Redis listens on the channel. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  onMessage(handler: (channel: string, message: string) => void): void;
  /**
   * Called when the subscriptions are back after a reconnect or a failover (ioredis resubscribes):
   * messages published meanwhile are lost, so listeners that need the latest value read it again.
   */
  onResubscribed(handler: () => void): void;
  quit(): Promise<void>;
}

/** A connection of its own for subscriber mode (channels are not key-prefixed). */
export function createSubscriber(config: Config['redis'], name: string): ChannelSubscriber {
  const client = createRedisClient(config, name, {
    lazyConnect: false,
    autoPipelining: false,
    shardedSubscribers: true,
  });
  if (isCluster(client)) {
    return {
      subscribe: async (channel) => void (await client.ssubscribe(channel)),
      unsubscribe: async (channel) => void (await client.sunsubscribe(channel)),
      onMessage: (handler) => void client.on('smessage', handler),
      // Emitted once the shard subscribers are (re)connected and have resubscribed.
      onResubscribed: (handler) => void client.on('subscribersReady', handler),
      quit: async () => void (await client.quit()),
    };
  }
  // Listening from the start: a handler added after the first connect must still hear the
  // first reconnect (e.g. one added once a subscribe has resolved).
  const resubscribed: (() => void)[] = [];
  let connectedBefore = false;
  client.on('ready', () => {
    if (!connectedBefore) return void (connectedBefore = true);
    // 'ready' comes before ioredis resubscribes. A PING queued behind those SUBSCRIBEs answers
    // once Redis listens again: only then has nothing published since been missed, so a handler
    // that reads the latest state (or a deny-list) reads it after that point.
    process.nextTick(() => {
      const notify = () => resubscribed.forEach((handler) => handler());
      client.ping().then(notify, notify);
    });
  });
  return {
    subscribe: async (channel) => void (await client.subscribe(channel)),
    unsubscribe: async (channel) => void (await client.unsubscribe(channel)),
    onMessage: (handler) => void client.on('message', handler),
    onResubscribed: (handler) => void resubscribed.push(handler),
    quit: async () => void (await client.quit()),
  };
}

/**
 * A `ChannelSubscriber` (classic or sharded, see `createSubscriber`) in the shape
 * graphql-redis-subscriptions calls on its subscriber client.
 */
function libraryClient(subscriber: ChannelSubscriber) {
  return {
    subscribe: (channel: string, callback?: (err?: Error | null) => void) =>
      void subscriber.subscribe(channel).then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      ),
    unsubscribe: (channel: string) => void subscriber.unsubscribe(channel).catch(() => undefined),
    // No patterns: sharded pub/sub has none, and none are used.
    psubscribe: (_pattern: string, callback?: (err?: Error | null) => void) =>
      callback?.(new Error('pattern subscriptions are not supported')),
    punsubscribe: () => undefined,
    on: (event: string, listener: (channel: string, message: string) => void) => {
      if (event === 'message') subscriber.onMessage(listener);
    },
    quit: () => subscriber.quit(),
  };
}

/**
 * Redis-backed pub/sub for GraphQL subscriptions (graphql-redis-subscriptions), so every API
 * instance sees every event: classic PUBLISH/SUBSCRIBE on a single Redis, sharded
 * SPUBLISH/SSUBSCRIBE on a cluster, through the same subscriber connections the realtime
 * server uses. Channels carry the Redis key prefix (ioredis prefixes keys but not channel
 * names). Payloads travel as JSON.
 */
export function createPubSub(config: Config['redis']): AppPubSub {
  // No key prefix: ioredis would prefix an SPUBLISH channel as if it were a key.
  const client = createRedisClient(config, 'pub', { lazyConnect: false });
  const command = publishCommand(client).toLowerCase();
  const publisher = {
    publish: (channel: string, message: string) => client.call(command, channel, message),
    quit: () => client.quit(),
  };
  const pubsub = new RedisPubSub({
    // The library calls only these methods on its clients.
    publisher: publisher as unknown as RedisClient,
    subscriber: libraryClient(createSubscriber(config, 'sub')) as unknown as RedisClient,
  });
  const channel = (key: string, id?: unknown) => pubSubChannel(config.keyPrefix, key, id);

  return {
    publish(routingKey, payload) {
      void pubsub.publish(channel(routingKey), payload).catch(() => undefined);
    },
    async publishNow(routingKey, payload) {
      await pubsub.publish(channel(routingKey), payload);
    },
    subscribe(routingKey, dynamicId) {
      return pubsub.asyncIterableIterator(channel(routingKey, dynamicId));
    },
    async subscribeReady<T>(routingKey: string, id?: unknown) {
      let ended = false;
      let stop = () => {
        ended = true;
      };
      const q = queueIterator<T>(() => stop());
      const subId = await pubsub.subscribe(channel(routingKey, id), (message: T) =>
        q.push(message),
      );
      stop = () => pubsub.unsubscribe(subId);
      if (ended) stop();
      return q.iterator;
    },
    async close() {
      await pubsub.close();
    },
  };
}

/** In-process pub/sub with the same shape, for emitting the schema without Redis. */
export function createMemoryPubSub(): AppPubSub {
  return {
    publish() {},
    async publishNow() {},
    subscribe() {
      return (async function* () {})();
    },
    async subscribeReady<T>() {
      return queueIterator<T>(() => undefined).iterator;
    },
    async close() {},
  };
}
