import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app';
import type { Config, Env } from '../../src/config';
import { createRedis } from '../../src/clients/redis';
import { migrateUp } from '../../src/clients/orm';
import { ensureDatabase } from '../../src/cli/database';
import { gqlRequest, wsClient } from './gql-client';
import { testConfig } from './test-config';
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

/** Wipes this file's database (re-running every migration) and Redis keys. */
export async function resetState(config: Config): Promise<void> {
  await ensureDatabase(config.mysql, { recreate: true });
  const redis = createRedis({ ...config.redis, keyPrefix: '' });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${config.redis.keyPrefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
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
