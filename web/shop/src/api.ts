import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from './gql/graphql';

/** A GraphQL error as people should read it: its stable code, and when to retry if limited. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryAfterSeconds?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: { id: string; name: string; email: string; role: string };
}

const SESSION_KEY = 'rocket-mart.session';
const ENDPOINT = new URL('/graphql', location.href).href;

export function session(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return stored && Date.parse(stored.accessTokenExpiresAt) > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

export function setSession(next: Session | null): void {
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
  void socket?.dispose();
  socket = undefined;
}

interface RawError {
  message: string;
  extensions?: { code?: string; retryAfterSeconds?: number; field?: string };
}

/**
 * Sends one operation over HTTP with the session's token (none when `anonymous`, e.g. signing
 * in: a wrong password must not end the session in use); throws ApiError on any error.
 */
export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  { anonymous = false } = {},
): Promise<R> {
  const token = anonymous ? undefined : session()?.accessToken;
  let res: Response;
  try {
    res = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError(
      'The shop cannot be reached. Check your connection and try again.',
      'NETWORK',
    );
  }
  const body = (await res.json().catch(() => ({}))) as { data?: R; errors?: RawError[] };
  const error = body.errors?.[0];
  if (error) {
    const ext = error.extensions ?? {};
    if (ext.code === 'UNAUTHENTICATED' && token) setSession(null);
    throw new ApiError(
      error.message,
      ext.code ?? 'INTERNAL_SERVER_ERROR',
      ext.retryAfterSeconds,
      ext.field,
    );
  }
  if (!body.data) throw new ApiError(`The shop answered ${res.status}.`, 'INTERNAL_SERVER_ERROR');
  return body.data;
}

let socket: Client | undefined;

/** Subscribes over the shared websocket (signed in as the session); returns the unsubscribe. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  onData: (data: R) => void,
): () => void {
  socket ??= createClient({
    url: ENDPOINT.replace(/^http/, 'ws'),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => {
      const token = session()?.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return socket.subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: ({ data }) => data && onData(data),
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

/** What to tell a person about an error, by its code. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'RATE_LIMITED': {
      const seconds = err.retryAfterSeconds ?? 60;
      const at = new Date(Date.now() + seconds * 1000).toLocaleTimeString();
      return `Too many attempts. Try again in ${seconds} s (at ${at}).`;
    }
    case 'UNAUTHENTICATED':
      return err.message === 'Invalid email or password'
        ? err.message
        : 'Please sign in (again) to continue.';
    case 'EMAIL_NOT_VERIFIED':
      return 'Please verify your email address first: open the link we mailed you.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'NOT_FOUND':
      return 'That no longer exists.';
    case 'CONFLICT':
    case 'BAD_USER_INPUT':
    case 'NETWORK':
      return err.message;
    default:
      return `Something went wrong on our side (${err.code}). Please try again.`;
  }
}
