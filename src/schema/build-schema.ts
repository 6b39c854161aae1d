import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { AuthResolver } from '../resolvers/auth.resolver';
import { CartResolver } from '../resolvers/cart.resolver';
import { LikeResolver } from '../resolvers/like.resolver';
import { ProductResolver } from '../resolvers/product.resolver';
import { OrderStatusResolver } from '../resolvers/order-status.resolver';
import { OrderItemResolver, OrderResolver } from '../resolvers/order.resolver';
import { authChecker } from '../resolvers/auth-checker';
import { SystemResolver } from '../resolvers/system.resolver';
import { UserResolver } from '../resolvers/user.resolver';
import { PurchaseResolver } from '../resolvers/purchase.resolver';
import { StockResolver } from '../resolvers/stock.resolver';
import { PaymentAuditResolver } from '../resolvers/payment-audit.resolver';
import type { AppPubSub } from '../clients/pubsub';
import { ErrorResult } from './error-result';
import { scalarsMap } from './scalars';

/** Every resolver class of the API; app.ts supplies an instance of each through the container. */
export const resolverClasses = [
  SystemResolver,
  AuthResolver,
  UserResolver,
  OrderStatusResolver,
  OrderResolver,
  OrderItemResolver,
  ProductResolver,
  CartResolver,
  LikeResolver,
  PurchaseResolver,
  StockResolver,
  PaymentAuditResolver,
] as const;

/** Builds the executable schema. Does no I/O, so the schema can be emitted without services. */
export function buildAppSchema(options: {
  container: ContainerType;
  pubSub: AppPubSub;
}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolverClasses],
    orphanedTypes: [ErrorResult],
    container: options.container,
    pubSub: options.pubSub,
    authChecker,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    scalarsMap,
  });
}
