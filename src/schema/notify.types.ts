import { ArrayMaxSize, ArrayMinSize, Matches } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NotifyEvent } from '../entities/notify-request.entity';
import { SaleState } from '../entities/product.entity';
import { DropEvent } from '../services/notify/drop-lifecycle';
import { ID_PATTERN } from './product.inputs';

registerEnumType(DropEvent, {
  name: 'DropEvent',
  description: 'A change in a drop’s sale: opened, restocked, sold out, ended or moved.',
});

@InputType()
export class NotifyMeInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => [NotifyEvent], {
    description: 'What to be mailed about; replaces the events asked for earlier.',
  })
  @ArrayMinSize(1, { message: 'Choose at least one event' })
  @ArrayMaxSize(2)
  events!: NotifyEvent[];
}

@InputType()
export class CancelNotifyMeInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;
}

@ObjectType({ description: 'A change in a drop’s sale, for everyone watching it.' })
export class DropLifecycle {
  @Field(() => ID)
  productId!: number;

  @Field(() => DropEvent, {
    nullable: true,
    description: 'What happened; null in the first frame when nothing has happened yet.',
  })
  event!: DropEvent | null;

  @Field(() => SaleState)
  saleState!: SaleState;

  @Field(() => Int, { description: 'Live remaining units when the event happened.' })
  remaining!: number;

  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { description: 'Per product, only grows.' })
  version!: number;
}
