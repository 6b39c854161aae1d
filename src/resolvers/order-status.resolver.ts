import { Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../context';
import { OrderStatusChangedEvent, type OrderStatusEventPayload } from '../schema/order.events';
import { TOPICS } from '../schema/topics';

@Resolver()
export class OrderStatusResolver {
  @Authorized()
  @Subscription(() => OrderStatusChangedEvent, {
    description: 'Every status change of the viewer’s own orders.',
    topics: TOPICS.ORDER_STATUS_CHANGED,
    // The topic is scoped by the viewer's id: other members' orders never reach this socket.
    topicId: ({ context }: { context: RequestContext }) => context.viewer?.userId,
  })
  orderStatusChanged(
    @Root() event: OrderStatusEventPayload,
    @Ctx() _ctx: RequestContext,
  ): OrderStatusChangedEvent {
    return { orderId: event.orderId, from: event.from, to: event.to, at: new Date(event.at) };
  }
}
