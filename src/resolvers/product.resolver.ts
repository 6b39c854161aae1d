import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context';
import { Product, SaleState } from '../entities/product.entity';
import { Role } from '../entities/user.entity';
import {
  CreateProductInput,
  ProductsArgs,
  RestockProductInput,
  toId,
  UpdateProductInput,
} from '../schema/product.inputs';
import { ProductConnection, ProductPayload } from '../schema/product.results';
import type { Connection } from '../schema/pagination';
import { selects } from './selection';
import type { LikeService } from '../services/catalog/like.service';
import type { ProductService } from '../services/catalog/product.service';

@Resolver(() => Product)
export class ProductResolver {
  constructor(
    private readonly catalog: ProductService,
    private readonly likes: LikeService,
  ) {}

  @Query(() => ProductConnection, { description: 'Listed products, one page at a time.' })
  products(
    @Ctx() ctx: RequestContext,
    @Args() args: ProductsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Product>> {
    return this.catalog.list(ctx, {
      first: args.first,
      after: args.after,
      sort: args.sort,
      saleState: args.filter?.saleState,
      text: args.filter?.text,
      withTotal: selects(info, 'totalCount'),
    });
  }

  @Query(() => Product, {
    nullable: true,
    description: 'A listed product; null when unknown or deleted.',
  })
  product(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Product | null> {
    return this.catalog.find(ctx, toId(id, 'id'));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductPayload, {
    description: 'Admin only. Creates a product and its live stock counter.',
  })
  async createProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: CreateProductInput,
  ): Promise<ProductPayload> {
    return { product: await this.catalog.create(ctx, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductPayload, {
    description: 'Admin only. Changes details, price, sale window or limit.',
  })
  async updateProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: UpdateProductInput,
  ): Promise<ProductPayload> {
    const { productId, ...changes } = input;
    return { product: await this.catalog.update(ctx, toId(productId, 'productId'), changes) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ProductPayload, {
    description: 'Admin only. Adds units to durable and live stock together, also during a sale.',
  })
  async restockProduct(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: RestockProductInput,
  ): Promise<ProductPayload> {
    return {
      product: await this.catalog.restock(ctx, toId(input.productId, 'productId'), input.quantity),
    };
  }

  @FieldResolver(() => Int, {
    description: 'Live units left (the Redis counter, rebuilt from MySQL if missing).',
  })
  remainingStock(@Root() product: Product, @Ctx() ctx: RequestContext): Promise<number> {
    return this.catalog.remainingStock(ctx, product.id);
  }

  @FieldResolver(() => SaleState)
  saleState(@Root() product: Product, @Ctx() ctx: RequestContext): Promise<SaleState> {
    return this.catalog.saleState(ctx, product);
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the viewer likes the product; false when signed out.',
  })
  likedByMe(@Root() product: Product, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.likes.likedByViewer(ctx, product.id);
  }
}
