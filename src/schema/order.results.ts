import { createUnionType, Field, ObjectType } from 'type-graphql';
import { Order, OrderStatus } from '../entities/order.entity';
import { ErrorResult, ErrorResultCode } from './error-result';
import { ConnectionType } from './pagination';

export const OrderConnection = ConnectionType('Order', Order);

@ObjectType({
  implements: ErrorResult,
  description:
    'The order’s status does not allow this change now: cancel after shipping, return outside the window, a change another request already made.',
})
export class InvalidOrderTransitionError extends ErrorResult {
  @Field(() => OrderStatus, { description: 'The order’s status when the change was refused.' })
  from!: OrderStatus;

  @Field(() => OrderStatus, { description: 'The status asked for.' })
  to!: OrderStatus;

  static of(from: OrderStatus, to: OrderStatus, message: string): InvalidOrderTransitionError {
    return Object.assign(new InvalidOrderTransitionError(), {
      code: ErrorResultCode.INVALID_ORDER_TRANSITION,
      message,
      from,
      to,
    });
  }
}

const orderOrInvalid = (name: string, description: string) =>
  createUnionType({
    name,
    description,
    types: () => [Order, InvalidOrderTransitionError] as const,
    resolveType: (value) =>
      value instanceof InvalidOrderTransitionError ? InvalidOrderTransitionError : Order,
  });

export const CancelOrderResult = orderOrInvalid(
  'CancelOrderResult',
  'The cancelled order, or why it cannot be cancelled.',
);
export const RequestReturnResult = orderOrInvalid(
  'RequestReturnResult',
  'The order, now RETURN_REQUESTED, or why it cannot be returned.',
);
