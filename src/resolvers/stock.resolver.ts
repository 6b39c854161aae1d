import { Arg, Authorized, Ctx, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../context';
import { Role } from '../entities/user.entity';
import { SaleState } from '../entities/product.entity';
import { StockLevel, SyncStockInput } from '../schema/purchase.types';
import { toId } from '../schema/product.inputs';
import { TOPICS } from '../schema/topics';
import type { StockService } from '../services/stock.service';

/** What crosses Redis pub/sub for `stockChanged` (published by stock-frame.lua). */
interface StockEventPayload {
  productId: number;
  remaining: number;
  saleState: SaleState;
  soldOut: boolean;
}

@Resolver()
export class StockResolver {
  constructor(private readonly stock: StockService) {}

  @Subscription(() => StockLevel, {
    description:
      'Live remaining units of a product, at most one frame per STOCK_FRAME_MS; the last frame is the final value.',
    topics: TOPICS.STOCK_CHANGED,
    topicId: ({ args }: { args: { productId: string } }) => toId(args.productId, 'productId'),
  })
  stockChanged(
    @Arg('productId', () => ID) _productId: string,
    @Root() event: StockEventPayload,
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
