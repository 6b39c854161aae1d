import Redis from 'ioredis';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { PubSub } from 'type-graphql';
import type { Config } from '../config';

export interface AppPubSub extends PubSub {
  publish(routingKey: string, payload: unknown): void;
  /** Resolves once Redis has accepted the message (for callers that must know it left). */
  publishNow(routingKey: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
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
  const options = {
    host: config.host,
    port: config.port,
    password: config.password,
    db: config.db,
    lazyConnect: false,
  };
  const publisher = new Redis({ ...options, connectionName: 'rocket-mart:pub' });
  const subscriber = new Redis({ ...options, connectionName: 'rocket-mart:sub' });
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
    async close() {},
  };
}
