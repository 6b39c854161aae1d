import type { AppPubSub } from '../clients/pubsub';
import type { OrderStatusEventPayload } from '../schema/order.events';
import { topicFor } from '../schema/topics';

/**
 * Tells subscribers about order status changes. Called after the change is committed, never
 * inside the transaction that makes it.
 */
export class OrderStatusNotifier {
  constructor(private readonly pubSub: AppPubSub) {}

  async notify(events: OrderStatusEventPayload[]): Promise<void> {
    await Promise.all(
      events.map((e) => this.pubSub.publishNow(topicFor('ORDER_STATUS_CHANGED', e.userId), e)),
    );
  }
}
