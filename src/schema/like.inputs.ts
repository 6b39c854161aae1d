import { Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ID_PATTERN } from './product.inputs';

@InputType()
export class LikeProductInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;
}
