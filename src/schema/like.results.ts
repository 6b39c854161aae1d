import { Field, ObjectType } from 'type-graphql';
import { Product } from '../entities/product.entity';
import { ProductLike } from '../entities/product-like.entity';
import { ConnectionType } from './pagination';

export const ProductLikeConnection = ConnectionType('ProductLike', ProductLike);

@ObjectType({ description: 'The product after the call, and whether the viewer now likes it.' })
export class LikePayload {
  @Field(() => Product)
  product!: Product;

  @Field({ description: 'The viewer’s like state after this call.' })
  liked!: boolean;
}
