import { Field, ObjectType } from 'type-graphql';
import { Product } from '../entities/product.entity';
import { ConnectionType } from './pagination';

export const ProductConnection = ConnectionType('Product', Product);

@ObjectType()
export class ProductPayload {
  @Field(() => Product)
  product!: Product;
}
