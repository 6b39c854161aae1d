import type { WebSocket } from 'ws';
import type { Config } from '../config';
import type { Viewer } from '../context';
import { addressBucket } from '../http/client-address';
import type { RealtimeMetrics } from './metrics';

/** Close codes the websocket server uses besides the graphql-ws protocol's own. */
export const CLOSE_CODES = {
  /** The session was revoked (logout, logoutAll, password change or reset) or the access token expired. */
  SESSION_ENDED: 4401,
  /** The token given at connection was not valid (graphql-ws's Forbidden). */
  FORBIDDEN: 4403,
  /** Too many open sockets from this client address or for this member. */
  TOO_MANY_CONNECTIONS: 4029,
  /** A message larger than WS_MAX_PAYLOAD_BYTES (the websocket standard's "message too big"). */
  MESSAGE_TOO_BIG: 1009,
} as const;

interface SocketState {
  address: string;
  /** What the per-address cap counts under (an IPv6 client by its /64). */
  bucket: string;
  viewer?: Viewer;
  /** Connected without a token (counted against WS_MAX_ANONYMOUS_CONNECTIONS). */
  anonymous?: boolean;
  expiry?: NodeJS.Timeout;
  /** Subscription ids of per-member subscriptions, for the open-subscriptions gauge. */
  memberSubs: Set<string>;
}

/** How long a revocation is remembered for sockets that register just after it arrived. */
const REVOCATION_MEMORY_MS = 10_000;

/**
 * The open sockets of one process: their caps per client address and per member, their
 * member subscriptions, and their sessions, so a revoked session or an expired token closes them.
 */
export class SocketRegistry {
  private readonly states = new Map<WebSocket, SocketState>();
  private readonly perAddress = new Map<string, number>();
  private readonly perMember = new Map<number, number>();
  private anonymous = 0;
  private readonly bySession = new Map<string, Set<WebSocket>>();
  /** Sessions revoked in the last few seconds → when: a socket authenticated just before its
   * session's revocation arrived, but registered after it, is still closed. */
  private readonly recentlyRevoked = new Map<string, number>();

  constructor(
    private readonly limits: Config['realtime'],
    private readonly metrics: RealtimeMetrics,
  ) {}

  get size(): number {
    return this.states.size;
  }

  /** The client address a socket was accepted from, or undefined once it has closed. */
  addressOf(socket: WebSocket): string | undefined {
    return this.states.get(socket)?.address;
  }

  /** Registers a new socket; closes it when its address has too many open already. */
  accept(socket: WebSocket, address: string): void {
    const bucket = addressBucket(address);
    const state: SocketState = { address, bucket, memberSubs: new Set() };
    this.states.set(socket, state);
    this.metrics.sockets.inc();
    const count = (this.perAddress.get(bucket) ?? 0) + 1;
    this.perAddress.set(bucket, count);
    socket.once('close', () => this.forget(socket, state));
    if (count > this.limits.maxConnectionsPerAddress) {
      this.metrics.refused.inc('connections_per_address');
      socket.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, 'Too many connections from this address');
    }
  }

  /**
   * Marks an open socket as anonymous (connected without a token); false (and the socket closed
   * with 4029) when the process holds WS_MAX_ANONYMOUS_CONNECTIONS anonymous sockets already.
   * Anonymous watchers cost nothing to open: this keeps a crowd of them, from however many
   * addresses, from taking the sockets, memory and send time members need.
   */
  admitAnonymous(socket: WebSocket): boolean {
    const state = this.states.get(socket);
    if (!state || socket.readyState !== socket.OPEN) return false;
    const max = this.limits.maxAnonymousConnections;
    if (max > 0 && this.anonymous >= max) {
      this.metrics.refused.inc('anonymous_connections');
      socket.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, 'Too many anonymous connections');
      return false;
    }
    state.anonymous = true;
    this.anonymous++;
    return true;
  }

  /**
   * Attaches an authenticated member to an open socket; false (and the socket closed) when the
   * session was just revoked or the member has too many sockets open. The socket closes when the
   * access token expires (`expiresAt`, ms), and the client reconnects with a new one.
   */
  admit(socket: WebSocket, viewer: Viewer, expiresAt: number | undefined): boolean {
    const state = this.states.get(socket);
    if (!state || socket.readyState !== socket.OPEN) return false;
    const count = (this.perMember.get(viewer.userId) ?? 0) + 1;
    this.perMember.set(viewer.userId, count);
    state.viewer = viewer;
    let sockets = this.bySession.get(viewer.sessionId);
    if (!sockets) this.bySession.set(viewer.sessionId, (sockets = new Set()));
    sockets.add(socket);
    if (this.recentlyRevoked.has(viewer.sessionId)) {
      socket.close(CLOSE_CODES.SESSION_ENDED, 'Session ended');
      return false;
    }
    if (count > this.limits.maxConnectionsPerMember) {
      this.metrics.refused.inc('connections_per_member');
      socket.close(CLOSE_CODES.TOO_MANY_CONNECTIONS, 'Too many connections for this member');
      return false;
    }
    if (expiresAt) {
      state.expiry = setTimeout(
        () => socket.close(CLOSE_CODES.SESSION_ENDED, 'Access token expired'),
        Math.max(0, expiresAt - Date.now()),
      );
      state.expiry.unref();
    }
    return true;
  }

  /** Closes every socket of these sessions (a revocation message from any instance). */
  revoke(sessionIds: unknown[]): void {
    const at = Date.now();
    for (const [id, when] of this.recentlyRevoked) {
      if (at - when < REVOCATION_MEMORY_MS) break;
      this.recentlyRevoked.delete(id);
    }
    for (const raw of sessionIds) {
      const id = String(raw);
      this.recentlyRevoked.delete(id);
      this.recentlyRevoked.set(id, at);
      for (const socket of this.bySession.get(id) ?? []) {
        socket.close(CLOSE_CODES.SESSION_ENDED, 'Session ended');
      }
    }
  }

  /**
   * True, and the socket closed (1013, try again later), when more than WS_MAX_BUFFERED_BYTES
   * wait unsent on it: its client stopped reading. Checked before graphql-ws writes a member's
   * own frame (the hub checks its shared frames itself); graphql-ws then skips the write.
   */
  shedIfBacklogged(socket: WebSocket): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount <= this.limits.maxBufferedBytes) return false;
    this.metrics.refused.inc('slow_socket');
    socket.close(1013, 'Too slow to read its frames');
    return true;
  }

  /** Sessions of the members with open sockets, to check against the deny-list. */
  sessionIds(): string[] {
    return [...this.bySession.keys()];
  }

  /** A per-member subscription started on a socket (counted in the open-subscriptions gauge). */
  subscribed(socket: WebSocket, id: string): void {
    this.states.get(socket)?.memberSubs.add(id);
    this.metrics.subscriptions.inc({ kind: 'member' });
  }

  completed(socket: WebSocket, id: string): void {
    if (this.states.get(socket)?.memberSubs.delete(id))
      this.metrics.subscriptions.dec({ kind: 'member' });
  }

  /** Stops the token-expiry timers (the server is shutting down). */
  dispose(): void {
    for (const state of this.states.values()) clearTimeout(state.expiry);
  }

  private forget(socket: WebSocket, state: SocketState): void {
    this.states.delete(socket);
    this.metrics.sockets.dec();
    const left = (this.perAddress.get(state.bucket) ?? 1) - 1;
    if (left > 0) this.perAddress.set(state.bucket, left);
    else this.perAddress.delete(state.bucket);
    clearTimeout(state.expiry);
    if (state.anonymous) this.anonymous--;
    for (let i = 0; i < state.memberSubs.size; i++)
      this.metrics.subscriptions.dec({ kind: 'member' });
    const viewer = state.viewer;
    if (viewer) {
      const n = (this.perMember.get(viewer.userId) ?? 1) - 1;
      if (n > 0) this.perMember.set(viewer.userId, n);
      else this.perMember.delete(viewer.userId);
      const sockets = this.bySession.get(viewer.sessionId);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.bySession.delete(viewer.sessionId);
    }
  }
}
