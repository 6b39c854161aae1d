import { Field, ID, ObjectType } from 'type-graphql';
import { OrderStatus } from '../entities/order.entity';

/** What crosses Redis pub/sub when an order changes status (dates as ISO strings). */
export interface OrderStatusEventPayload {
  orderId: number;
  userId: number;
  from: OrderStatus | null;
  to: OrderStatus;
  at: string;
  /** Id of the history row (Kafka consumers deduplicate by it). */
  changeId: number;
  /** SYSTEM, OWNER or ADMIN. */
  actor: string;
}

@ObjectType({ description: 'A status change of one of the viewer’s orders.' })
export class OrderStatusChangedEvent {
  @Field(() => ID)
  orderId!: number;

  @Field(() => OrderStatus, { nullable: true })
  from!: OrderStatus | null;

  @Field(() => OrderStatus)
  to!: OrderStatus;

  @Field(() => Date)
  at!: Date;
}
