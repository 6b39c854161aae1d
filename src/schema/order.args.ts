import { ArrayMaxSize } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { OrderStatus } from '../entities/order.entity';
import { ConnectionArgs } from './pagination';

@ArgsType()
export class MyOrdersArgs extends ConnectionArgs {
  @Field(() => [OrderStatus], {
    nullable: true,
    description: 'Only orders in one of these statuses.',
  })
  @ArrayMaxSize(7)
  status?: OrderStatus[] | null;
}

@ArgsType()
export class OrderArgs {
  @Field(() => ID)
  id!: string;
}
