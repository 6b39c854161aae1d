import type { Config } from '../config';

/**
 * Every Kafka topic of the app, by role: producers, consumers, topic setup, the dead-letter
 * command and tests name a topic only through this registry. Names are unprefixed here; the
 * configured prefix is added by `topicName` (test files and environments never share a topic).
 * (Redis pub/sub channels of the GraphQL subscriptions are another namespace: src/schema/topics.ts.)
 */
export const KAFKA_TOPICS = {
  /** One paid payment (`PaymentCompletedEvent`), keyed by reservation id; the order writer reads it. */
  paymentCompleted: 'payment.completed',
  /** Messages of `payment.completed` that can never become an order (see `npm run dlq`). */
  paymentCompletedDlq: 'payment.completed.dlq',
  /** One step of an order's status history (`OrderStatusEventPayload`), keyed by order id. */
  orderStatusChanged: 'order.status-changed',
} as const;

export type KafkaTopic = (typeof KAFKA_TOPICS)[keyof typeof KAFKA_TOPICS];

/** Every topic the app produces to, created up front by `ensureTopics`. */
export const APP_TOPICS: readonly KafkaTopic[] = Object.values(KAFKA_TOPICS);

/** A topic's name on the broker: the configured prefix, then the registered name. */
export function topicName(config: Config['kafka'], topic: KafkaTopic): string {
  return `${config.topicPrefix}${topic}`;
}

/** Consumer group ids are `<prefix>.<worker>`. */
export function groupId(config: Config['kafka'], worker: string): string {
  return `${config.groupPrefix}.${config.topicPrefix}${worker}`;
}
