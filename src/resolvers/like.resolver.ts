import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ProductLike } from '../entities/product-like.entity';
import { LikeProductInput } from '../schema/like.inputs';
import { LikePayload, ProductLikeConnection } from '../schema/like.results';
import { ConnectionArgs, type Connection } from '../schema/pagination';
import { toId } from '../schema/product.inputs';
import type { LikeService } from '../services/catalog/like.service';
import { viewerOf } from './viewer';

@Resolver(() => ProductLike)
export class LikeResolver {
  constructor(private readonly likes: LikeService) {}

  @Authorized()
  @Query(() => ProductLikeConnection, {
    description: 'Products the viewer likes, most recently liked first.',
  })
  myLikes(
    @Ctx() ctx: RequestContext,
    @Args() args: ConnectionArgs,
  ): Promise<Connection<ProductLike>> {
    return this.likes.myLikes(ctx, viewerOf(ctx), args);
  }

  @Authorized()
  @Mutation(() => LikePayload, {
    description: 'Idempotent: liking a liked product changes nothing.',
  })
  likeProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: LikeProductInput,
  ): Promise<LikePayload> {
    return this.likes.like(ctx, viewerOf(ctx), toId(input.productId, 'productId'));
  }

  @Authorized()
  @Mutation(() => LikePayload, {
    description: 'Idempotent: unliking a product not liked changes nothing.',
  })
  unlikeProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: LikeProductInput,
  ): Promise<LikePayload> {
    return this.likes.unlike(ctx, viewerOf(ctx), toId(input.productId, 'productId'));
  }
}
