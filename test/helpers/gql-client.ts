import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GqlResponse<T> {
  status: number;
  data?: T | null;
  errors?: GqlError[];
}

/** Sends one operation over HTTP; returns status, data and errors as the client sees them. */
export async function gqlRequest<T, V>(
  url: string,
  document: TypedDocumentNode<T, V> | DocumentNode | string,
  variables?: V,
  token?: string,
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({
      query: typeof document === 'string' ? document : print(document),
      variables,
    }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  return { status: res.status, data: body.data, errors: body.errors };
}

/** The data of a response that must have no errors. */
export function dataOf<T>(res: GqlResponse<T>): T {
  if (res.errors?.length || !res.data) {
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  }
  return res.data;
}

/** The single error code of a response that must have failed. */
export function errorCode(res: GqlResponse<unknown>): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

/** A graphql-ws client that never retries, so a refused connection shows up in the test. */
export function wsClient(url: string, token?: string): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Collects a subscription's events; `next(n)` waits for the n-th. */
export function subscribe<T, V>(
  client: Client,
  document: TypedDocumentNode<T, V> | DocumentNode,
  variables?: V,
) {
  const events: { data?: T | null; errors?: readonly unknown[] }[] = [];
  let failure: unknown;
  let closed = false;
  const dispose = client.subscribe<T>(
    { query: print(document), variables: variables as Record<string, unknown> | undefined },
    {
      next: (value) => void events.push(value as (typeof events)[number]),
      error: (err) => {
        failure = err;
      },
      complete: () => {
        closed = true;
      },
    },
  );
  return {
    events,
    get error() {
      return failure;
    },
    get closed() {
      return closed;
    },
    dispose,
  };
}

/** The error code a subscription was refused with (an `error` message or a first `next` with errors). */
export function subscribeErrorCode(sub: {
  events: { errors?: readonly unknown[] }[];
  error: unknown;
}): string | undefined {
  const errors = Array.isArray(sub.error) ? sub.error : sub.events[0]?.errors;
  return (errors?.[0] as GqlError | undefined)?.extensions?.code;
}
