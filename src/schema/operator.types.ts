import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Refused purchase or pay answers of one reason.' })
export class OperatorRefusals {
  @Field({ description: 'The answer’s code: SOLD_OUT, PURCHASE_LIMIT_EXCEEDED, PAYMENT_DECLINED…' })
  reason!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The waiting room’s figures for a drop.' })
export class OperatorQueue {
  @Field(() => Int, { description: 'Members waiting in line.' })
  waiting!: number;

  @Field(() => Int, { description: 'Members admitted to buy so far.' })
  admitted!: number;

  @Field()
  paused!: boolean;

  @Field(() => String, { nullable: true })
  pauseReason!: string | null;
}

@ObjectType({
  description:
    'A drop as its operator watches it, polled each second. Units are live (Redis); counts are cumulative since this API process started (two polls give a rate).',
})
export class OperatorSnapshot {
  @Field(() => Date)
  at!: Date;

  @Field(() => ID)
  productId!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Units left; null before the sale’s counter exists.',
  })
  remaining!: number | null;

  @Field(() => Int, { description: 'Units held by live reservations, not paid yet.' })
  inCarts!: number;

  @Field(() => Int, { description: 'Units paid whose order is not written yet.' })
  paidAwaitingOrder!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Payment to written order, averaged over the product’s latest 50 orders, ms.',
  })
  orderLagMs!: number | null;

  @Field(() => Int, { description: 'purchase calls for the product (this process).' })
  purchases!: number;

  @Field(() => Int, { description: 'pay calls for the product’s reservations (this process).' })
  pays!: number;

  @Field(() => Int, { description: 'pay calls that charged (this process).' })
  paid!: number;

  @Field(() => [OperatorRefusals], { description: 'Refusals by reason (this process).' })
  refusals!: OperatorRefusals[];

  @Field(() => OperatorQueue, {
    nullable: true,
    description: 'The waiting room’s figures; null while the product has no room.',
  })
  queue!: OperatorQueue | null;
}
