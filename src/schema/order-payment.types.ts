import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PaymentStatus, RefundReason } from '../entities/payment.entity';

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description:
    'PAID: charged. REFUNDING: its refund is owed and on its way to the provider. REFUNDED: the money went back. (PENDING, DECLINED and VOID belong to attempts that never made an order.)',
});
registerEnumType(RefundReason, {
  name: 'RefundReason',
  description: 'CANCELLED or RETURNED order; UNPLACEABLE: the payment could not become an order.',
});

@ObjectType({ description: 'The payment of an order, and its refund once one is owed.' })
export class OrderPayment {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => Int, { description: 'Charged, minor units.' })
  amount!: number;

  @Field(() => Date, { nullable: true })
  paidAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Refunded (or being refunded), minor units.' })
  refundAmount?: number | null;

  @Field(() => RefundReason, { nullable: true })
  refundReason?: RefundReason | null;

  @Field(() => Date, { nullable: true, description: 'When the refund was owed.' })
  refundRequestedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the provider gave the money back.' })
  refundedAt?: Date | null;
}
