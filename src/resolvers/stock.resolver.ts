import {
  Arg,
  Authorized,
  Ctx,
  ID,
  Mutation,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { AppPubSub } from '../clients/pubsub';
import { resolverOf, type RequestContext } from '../context';
import { Role } from '../entities/user.entity';
import { StockLevel, SyncStockInput } from '../schema/purchase.types';
import { toId } from '../schema/product.inputs';
import { TOPICS } from '../schema/topics';
import { currentThenNewer } from './event-stream';
import type { StockFrame, StockService } from '../services/sale/stock.service';

type StockArgs = { productId: string };

@Resolver()
export class StockResolver {
  constructor(
    private readonly stock: StockService,
    private readonly pubSub: AppPubSub,
  ) {}

  /** The current frame, then every newer one. */
  frames(ctx: RequestContext, productId: number): Promise<AsyncIterable<StockFrame>> {
    return currentThenNewer(this.pubSub, TOPICS.STOCK_CHANGED, productId, () =>
      this.stock.snapshot(ctx.em, productId),
    );
  }

  @Subscription(() => StockLevel, {
    description:
      'Live remaining units of a product: the current value at once, then at most one frame per STOCK_FRAME_MS (fewer under the realtime send budget); the last frame is the final value. NOT_FOUND for an unknown or unlisted product.',
    // The current frame first, and NOT_FOUND for an unknown or unlisted product at subscribe
    // time (a topic alone would accept any id). The websocket server fans public frames out
    // itself (src/realtime); this is the path of every other transport.
    subscribe: ({ args, context }: SubscribeResolverData<unknown, StockArgs, RequestContext>) =>
      resolverOf(context, StockResolver).frames(context, toId(args.productId, 'productId')),
  })
  stockChanged(
    @Arg('productId', () => ID) _productId: string,
    @Root() event: StockFrame,
  ): StockLevel {
    return Object.assign(new StockLevel(), event);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StockLevel, {
    description:
      'Rebuilds a product’s live counter from MySQL stock minus live holds and unwritten paid units.',
  })
  async syncStock(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: SyncStockInput,
  ): Promise<StockLevel> {
    const productId = toId(input.productId, 'productId');
    const remaining = await this.stock.sync(ctx.em, productId);
    const level = await this.stock.level(ctx.em, productId);
    return Object.assign(new StockLevel(), { ...level, remaining });
  }
}
