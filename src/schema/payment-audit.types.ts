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

  @Field(() => ID, { nullable: true, description: 'The product, for UNITS_MISMATCH.' })
  productId?: number | null;

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

  @Field(() => Int, { description: 'Products whose live units were compared with MySQL stock.' })
  products!: number;

  @Field(() => Int, {
    description:
      'Charges still being settled (payment pending, refund on its way, order not written yet); not discrepancies.',
  })
  inFlight!: number;

  @Field(() => Int, { description: 'Every discrepancy found (the list holds at most `first`).' })
  discrepancyCount!: number;

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

  @Field(() => Int, {
    nullable: true,
    description:
      'How long a payment may stay PENDING or REFUNDING before it is stuck; the server default (PAYMENT_AUDIT_STUCK_SECONDS) when null.',
  })
  stuckSeconds?: number | null;

  @Field(() => Int, {
    defaultValue: 100,
    description: 'Discrepancies listed, 1 to 300 (the count gives them all).',
  })
  first!: number;
}
