import type { GraphQLSchema } from 'graphql';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { AppPubSub } from '../clients/pubsub';
import type { RequestContext } from '../context';
import { Role } from '../entities/user.entity';
import { StockLevel, SyncStockInput } from '../schema/purchase.types';
import { toId } from '../schema/product.inputs';
import { TOPICS } from '../schema/topics';
import type { StockFrame, StockService } from '../services/sale/stock.service';

@Resolver()
export class StockResolver {
  constructor(
    private readonly stock: StockService,
    private readonly pubSub: AppPubSub,
  ) {}

  /**
   * `stockChanged` starts with the current frame and answers NOT_FOUND for an unknown or
   * unlisted product at subscribe time (the decorator's topic alone would accept any id). The
   * websocket server fans public frames out itself (src/realtime); this is the plain path.
   */
  static bindToSchema(schema: GraphQLSchema, resolver: StockResolver): void {
    const field = schema.getSubscriptionType()?.getFields().stockChanged;
    if (!field) throw new Error('the schema lacks stockChanged');
    field.subscribe = (_root, args: { productId: string }, ctx: RequestContext) =>
      resolver.frames(ctx, toId(args.productId, 'productId'));
  }

  /** The current frame, then every newer one. */
  async frames(ctx: RequestContext, productId: number): Promise<AsyncIterable<StockFrame>> {
    // Listen first: a frame published while the current one is read is not lost.
    const source = await this.pubSub.subscribeReady<StockFrame>(TOPICS.STOCK_CHANGED, productId);
    let first: StockFrame;
    try {
      first = await this.stock.snapshot(ctx.em, productId);
    } catch (err) {
      await source.return?.();
      throw err;
    }
    return (async function* () {
      let version = first.version;
      yield first;
      for await (const frame of source) {
        if (frame.version <= version) continue;
        version = frame.version;
        yield frame;
      }
    })();
  }

  @Subscription(() => StockLevel, {
    description:
      'Live remaining units of a product: the current value at once, then at most one frame per STOCK_FRAME_MS (fewer under the realtime send budget); the last frame is the final value. NOT_FOUND for an unknown or unlisted product.',
    topics: TOPICS.STOCK_CHANGED,
    topicId: ({ args }: { args: { productId: string } }) => toId(args.productId, 'productId'),
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
