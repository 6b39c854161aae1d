import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DiscrepancyKind } from '../services/payments/audit.service';

registerEnumType(DiscrepancyKind, {
  name: 'PaymentDiscrepancyKind',
  description:
    'A way the promise “every charge ends as exactly one order or one refund” is broken.',
});

@ObjectType({ description: 'One charge, refund or order that does not add up.' })
export class PaymentDiscrepancy {
  @Field(() => DiscrepancyKind)
  kind!: DiscrepancyKind;

  @Field(() => ID, { nullable: true })
  paymentId?: string | null;

  @Field(() => ID, { nullable: true })
  reservationId?: string | null;

  @Field(() => ID, { nullable: true })
  orderId?: number | null;

  @Field()
  detail!: string;
}

@ObjectType({
  description: 'The provider’s ledger of charges and refunds reconciled with payments and orders.',
})
export class PaymentAuditReport {
  @Field(() => Int)
  charges!: number;

  @Field(() => Int)
  refunds!: number;

  @Field(() => Int)
  payments!: number;

  @Field(() => Int)
  orders!: number;

  @Field(() => Int, {
    description:
      'Charges still being settled (payment pending, refund on its way, order not written yet); not discrepancies.',
  })
  inFlight!: number;

  @Field(() => [PaymentDiscrepancy])
  discrepancies!: PaymentDiscrepancy[];
}

@ArgsType()
export class PaymentAuditArgs {
  @Field(() => Int, {
    defaultValue: 120,
    description: 'How long a paid payment may wait for its order before it is a discrepancy.',
  })
  graceSeconds!: number;
}
