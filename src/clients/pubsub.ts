import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { PubSub } from 'type-graphql';
import type { Config } from '../config';
import { createRedisClient, type RedisClient } from './redis';

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
 * such as a Lua script, must use this name.
 */
export function pubSubChannel(keyPrefix: string, routingKey: string, id?: unknown): string {
  return `${keyPrefix}ps:${routingKey}${id === undefined ? '' : `:${String(id)}`}`;
}

/**
 * Redis-backed pub/sub for GraphQL subscriptions, so every API instance sees every event.
 * Channels carry the Redis key prefix: ioredis prefixes keys but not channel names.
 */
export function createPubSub(config: Config['redis']): AppPubSub {
  const publisher = createRedisClient(config, 'pub', { lazyConnect: false });
  const subscriber = createRedisClient(config, 'sub', { lazyConnect: false });
  const pubsub = new RedisPubSub({ publisher, subscriber });
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

/** A Redis connection of its own for subscriber mode (channels are not key-prefixed). */
export function createSubscriber(config: Config['redis'], name: string): RedisClient {
  return createRedisClient(config, name, { lazyConnect: false });
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
