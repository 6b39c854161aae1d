import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { AddToCartInput, RemoveFromCartInput, UpdateCartItemInput } from '../schema/cart.inputs';
import { Cart, CartPayload } from '../schema/cart.results';
import { toId } from '../schema/product.inputs';
import type { CartService } from '../services/catalog/cart.service';
import { viewerOf } from './viewer';

@Resolver(() => Cart)
export class CartResolver {
  constructor(private readonly carts: CartService) {}

  @Authorized()
  @Query(() => Cart, { description: 'The viewer’s cart, priced at current prices.' })
  cart(@Ctx() ctx: RequestContext): Promise<Cart> {
    return this.carts.view(ctx, viewerOf(ctx));
  }

  @Authorized()
  @Mutation(() => CartPayload, {
    description: 'Adds units of a product; adding it again adds to its line.',
  })
  async addToCart(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: AddToCartInput,
  ): Promise<CartPayload> {
    const productId = toId(input.productId, 'productId');
    return { cart: await this.carts.add(ctx, viewerOf(ctx), productId, input.quantity) };
  }

  @Authorized()
  @Mutation(() => CartPayload, {
    description: 'Sets the quantity of a product already in the cart.',
  })
  async updateCartItem(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: UpdateCartItemInput,
  ): Promise<CartPayload> {
    const productId = toId(input.productId, 'productId');
    return { cart: await this.carts.setQuantity(ctx, viewerOf(ctx), productId, input.quantity) };
  }

  @Authorized()
  @Mutation(() => CartPayload)
  async removeFromCart(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: RemoveFromCartInput,
  ): Promise<CartPayload> {
    return {
      cart: await this.carts.remove(ctx, viewerOf(ctx), toId(input.productId, 'productId')),
    };
  }

  @Authorized()
  @Mutation(() => CartPayload)
  async clearCart(@Ctx() ctx: RequestContext): Promise<CartPayload> {
    return { cart: await this.carts.clear(ctx, viewerOf(ctx)) };
  }
}
