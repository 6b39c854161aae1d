import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CancelOrderInput {
  @Field(() => ID, { description: 'An order of the viewer’s, still PLACED.' })
  orderId!: string;
}

@InputType()
export class RequestReturnInput {
  @Field(() => ID, {
    description: 'An order of the viewer’s, DELIVERED and inside the return window.',
  })
  orderId!: string;
}
