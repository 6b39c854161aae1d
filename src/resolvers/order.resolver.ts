import { Reference } from '@mikro-orm/core';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { RequestContext } from '../context';
import { Order, OrderItem, OrderStatus, OrderStatusChange } from '../entities/order.entity';
import { Product } from '../entities/product.entity';
import { MyOrdersArgs, OrderArgs } from '../schema/order.args';
import { OrderPayment } from '../schema/order-payment.types';
import { CancelOrderInput, RequestReturnInput } from '../schema/order.inputs';
import {
  CancelOrderResult,
  InvalidOrderTransitionError,
  OrderConnection,
  RequestReturnResult,
} from '../schema/order.results';
import type { Connection } from '../schema/pagination';
import {
  isRefused,
  type OrderService,
  type RefusedTransition,
} from '../services/orders/order.service';
import { viewerOf } from './viewer';

const toResult = (value: Order | RefusedTransition): Order | InvalidOrderTransitionError =>
  isRefused(value) ? InvalidOrderTransitionError.of(value.from, value.to, value.message) : value;

@Resolver(() => Order)
export class OrderResolver {
  constructor(private readonly orders: OrderService) {}

  @Authorized()
  @Query(() => OrderConnection, { description: 'The viewer’s orders, newest first.' })
  myOrders(@Ctx() ctx: RequestContext, @Args() args: MyOrdersArgs): Promise<Connection<Order>> {
    return this.orders.myOrders(ctx, viewerOf(ctx), args);
  }

  @Authorized()
  @Query(() => Order, {
    description: 'One order; its owner and admins only (NOT_FOUND for anyone else).',
  })
  order(@Ctx() ctx: RequestContext, @Args() { id }: OrderArgs): Promise<Order> {
    return this.orders.order(ctx, viewerOf(ctx), id);
  }

  @Authorized()
  @Mutation(() => CancelOrderResult, {
    description: 'Cancels a placed order before it ships; its stock goes back at once.',
  })
  async cancelOrder(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: CancelOrderInput,
  ): Promise<Order | InvalidOrderTransitionError> {
    return toResult(
      await this.orders.ownerChange(ctx, viewerOf(ctx), input.orderId, OrderStatus.CANCELLED),
    );
  }

  @Authorized()
  @Mutation(() => RequestReturnResult, {
    description:
      'Asks to return a delivered order inside the return window; its stock goes back when it is RETURNED.',
  })
  async requestReturn(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: RequestReturnInput,
  ): Promise<Order | InvalidOrderTransitionError> {
    return toResult(
      await this.orders.ownerChange(
        ctx,
        viewerOf(ctx),
        input.orderId,
        OrderStatus.RETURN_REQUESTED,
      ),
    );
  }

  @FieldResolver(() => [OrderItem])
  async items(@Root() order: Order): Promise<OrderItem[]> {
    const items = await order.items.load();
    return [...items].sort((a, b) => a.id - b.id);
  }

  @FieldResolver(() => [OrderStatusChange], {
    description: 'Every status the order went through, oldest first.',
  })
  async history(@Root() order: Order): Promise<OrderStatusChange[]> {
    const changes = await order.history.load();
    return [...changes].sort((a, b) => a.id - b.id);
  }

  @FieldResolver(() => OrderPayment, {
    description: 'The order’s payment: PAID, then REFUNDING and REFUNDED after a cancel or return.',
  })
  async payment(@Ctx() ctx: RequestContext, @Root() order: Order): Promise<OrderPayment> {
    return Object.assign(new OrderPayment(), await this.orders.paymentOf(ctx, order));
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the next automatic status change is due (for DELIVERED: the end of the return window).',
  })
  nextTransitionAt(@Root() order: Order): Date | null {
    return order.nextTransitionAt ?? null;
  }

  @FieldResolver(() => [OrderStatus], {
    description:
      'The statuses the owner may move the order to now: CANCELLED while placed, RETURN_REQUESTED inside the return window.',
  })
  nextStatuses(@Root() order: Order): OrderStatus[] {
    return this.orders.nextStatuses(order);
  }
}

@Resolver(() => OrderItem)
export class OrderItemResolver {
  @FieldResolver(() => Product)
  product(@Root() item: OrderItem): Promise<Product> {
    return Reference.create(item.product).loadOrFail();
  }
}
