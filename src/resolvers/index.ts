import type { ContainerType } from 'type-graphql';
import { instanceOf, type ResolverInstances } from '../context';
import type { Services } from '../services';
import { AuthResolver } from './auth.resolver';
import { CartResolver } from './cart.resolver';
import { LikeResolver } from './like.resolver';
import { OperatorResolver } from './operator.resolver';
import { NotifyResolver } from './notify.resolver';
import { OrderStatusResolver } from './order-status.resolver';
import { OrderItemResolver, OrderResolver } from './order.resolver';
import { PaymentAuditResolver } from './payment-audit.resolver';
import { ProductResolver } from './product.resolver';
import { PurchaseResolver } from './purchase.resolver';
import { StockResolver } from './stock.resolver';
import { SystemResolver } from './system.resolver';
import { UserResolver } from './user.resolver';
import { ProductWaitingRoomResolver, WaitingRoomResolver } from './waiting-room.resolver';

/**
 * The one list of the API's resolvers: each class with how it is built from the services. The
 * schema is built from the classes alone (no I/O), the running app from the instances.
 */
const RESOLVERS = [
  [SystemResolver, () => new SystemResolver()],
  [AuthResolver, (s: Services) => new AuthResolver(s.auth)],
  [UserResolver, (s: Services) => new UserResolver(s.users)],
  [OrderStatusResolver, () => new OrderStatusResolver()],
  [OrderResolver, (s: Services) => new OrderResolver(s.orders)],
  [OrderItemResolver, () => new OrderItemResolver()],
  [ProductResolver, (s: Services) => new ProductResolver(s.products, s.likes)],
  [CartResolver, (s: Services) => new CartResolver(s.carts)],
  [LikeResolver, (s: Services) => new LikeResolver(s.likes)],
  [
    PurchaseResolver,
    (s: Services) => new PurchaseResolver(s.reservations, s.payments, s.pubSub, s.dropCounters),
  ],
  [StockResolver, (s: Services) => new StockResolver(s.stock, s.pubSub)],
  [PaymentAuditResolver, (s: Services) => new PaymentAuditResolver(s.audit)],
  [OperatorResolver, (s: Services) => new OperatorResolver(s.operator)],
  [WaitingRoomResolver, (s: Services) => new WaitingRoomResolver(s.rooms, s.pubSub)],
  [ProductWaitingRoomResolver, (s: Services) => new ProductWaitingRoomResolver(s.rooms)],
  [NotifyResolver, (s: Services) => new NotifyResolver(s.notify, s.dropLifecycle, s.pubSub)],
] as const;

/** Every resolver class of the API, in schema order. */
export const resolverClasses = RESOLVERS.map(([cls]) => cls) as unknown as [
  (typeof RESOLVERS)[number][0],
  ...(typeof RESOLVERS)[number][0][],
];

/** One instance of each resolver, keyed by its class. */
export function createResolvers(services: Services): Map<unknown, object> {
  return new Map(RESOLVERS.map(([cls, build]) => [cls, build(services)]));
}

/** The type-graphql container over those instances. */
export function resolverContainer(instances: ResolverInstances): ContainerType {
  return { get: (cls: unknown) => instanceOf(instances, cls) };
}
