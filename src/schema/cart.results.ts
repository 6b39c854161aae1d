import { Field, Int, ObjectType } from 'type-graphql';
import { Product } from '../entities/product.entity';
import { Money } from './money.scalar';

@ObjectType('CartItem', { description: 'One product in the cart, priced at its current price.' })
export class CartLine {
  @Field(() => Product)
  product!: Product;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'The product’s current price, in minor units.' })
  unitPrice!: number;

  @Field(() => Money, { description: 'unitPrice × quantity, in minor units.' })
  lineTotal!: number;
}

@ObjectType({
  description: 'The viewer’s cart. Totals are computed from current prices, never stored.',
})
export class Cart {
  @Field(() => [CartLine])
  items!: CartLine[];

  @Field(() => Int)
  totalQuantity!: number;

  @Field(() => Money, { description: 'Sum of the line totals, in minor units.' })
  totalAmount!: number;
}

@ObjectType()
export class CartPayload {
  @Field(() => Cart)
  cart!: Cart;
}
