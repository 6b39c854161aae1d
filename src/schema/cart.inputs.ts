import { Matches, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MAX_LINE_QUANTITY } from '../services/catalog/cart.service';
import { ID_PATTERN } from './product.inputs';

@InputType()
export class AddToCartInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => Int, {
    defaultValue: 1,
    description: `Units to add to the line (1 to ${MAX_LINE_QUANTITY}); the line may not exceed the product's purchase limit.`,
  })
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number = 1;
}

@InputType()
export class UpdateCartItemInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => Int, {
    description: `New quantity of the line, 1 to ${MAX_LINE_QUANTITY} and within the purchase limit.`,
  })
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

@InputType()
export class RemoveFromCartInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;
}
