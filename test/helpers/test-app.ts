import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app';
import type { Config, Env } from '../../src/config';
import { createRedisClient, deleteKeys } from '../../src/clients/redis';
import { migrateUp } from '../../src/clients/orm';
import { ensureDatabase } from '../../src/cli/database';
import { gqlRequest, wsClient } from './gql-client';
import { Kafka, logLevel } from 'kafkajs';
import { fileTopicPrefix, testConfig } from './test-config';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface TestApp {
  app: App;
  config: Config;
  url: string;
  wsUrl: string;
  gql: <T, V>(
    doc: TypedDocumentNode<T, V>,
    variables?: V,
    token?: string,
  ) => ReturnType<typeof gqlRequest<T, V>>;
  ws: (token?: string) => ReturnType<typeof wsClient>;
  stop: () => Promise<void>;
}

/**
 * Wipes this file's database (re-running every migration) and Redis keys, and deletes the topics
 * of its earlier runs.
 */
export async function resetState(config: Config): Promise<void> {
  await ensureDatabase(config.mysql, { recreate: true });
  await deleteEarlierTopics(config);
  const redis = createRedisClient(config.redis, 'reset');
  await redis.connect();
  try {
    await deleteKeys(redis, `${config.redis.keyPrefix}*`);
  } finally {
    redis.disconnect();
  }
}

async function deleteEarlierTopics(config: Config): Promise<void> {
  const admin = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const prefix = fileTopicPrefix(config);
    const earlier = (await admin.listTopics()).filter(
      (t) => t.startsWith(prefix) && !t.startsWith(config.kafka.topicPrefix),
    );
    if (earlier.length) await admin.deleteTopics({ topics: earlier });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The real app on a random port against the real services. `fresh` (default) resets the
 * file's database and Redis keys first; pass false to start a second instance on the same state.
 */
export async function startTestApp(
  testFile: string,
  env: Env = {},
  options: { fresh?: boolean; config?: Config } = {},
): Promise<TestApp> {
  const config = options.config ?? testConfig(testFile, env);
  if (options.fresh !== false) await resetState(config);
  const app = await createApp(config);
  if (options.fresh !== false) await migrateUp(app.orm);
  const { port } = await app.start(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  return {
    app,
    config,
    url,
    wsUrl,
    gql: (doc, variables, token) => gqlRequest(url, doc, variables, token),
    ws: (token) => wsClient(wsUrl, token),
    stop: () => app.stop(),
  };
}

export type { AddressInfo };
