/**
 * Pub/sub routing keys of the GraphQL subscriptions. Each is scoped by an id (`subscribe(key, id)`
 * and `publish(topicFor(key, id), payload)`): a product id, a reservation id or a member id.
 */
export const TOPICS = {
  STOCK_CHANGED: 'STOCK_CHANGED',
  /** Waiting-room frames, scoped by product id (published by room-tick.lua). */
  WAITING_ROOM: 'WAITING_ROOM',
  RESERVATION_CHANGED: 'RESERVATION_CHANGED',
  /** Scoped by the owner's user id, so a member only ever receives their own orders. */
  ORDER_STATUS_CHANGED: 'ORDER_STATUS_CHANGED',
  /** A product's sale opening, restock, sell-out and end (public, scoped by product id). */
  DROP_LIFECYCLE: 'DROP_LIFECYCLE',
} as const;

export function topicFor(key: keyof typeof TOPICS, id: string | number): string {
  return `${TOPICS[key]}:${id}`;
}

/**
 * Pub/sub routing key on which revoked session ids are published (a JSON array), so every
 * websocket server closes the sockets of those sessions.
 */
export const SESSIONS_REVOKED = 'SESSIONS_REVOKED';
