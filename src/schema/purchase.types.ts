import {
  Field,
  ID,
  InputType,
  Int,
  ObjectType,
  createUnionType,
  registerEnumType,
} from 'type-graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SaleState } from '../entities/product.entity';
import {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_PURCHASE_LINES,
  MAX_UNITS_PER_ITEM,
} from '../services/sale/reservation.service';
import { ID_PATTERN } from './product.inputs';
import { ErrorResult, ErrorResultCode } from './error-result';
import { Money } from './money.scalar';
import {
  AdmissionExpiredError,
  NotAdmittedError,
  TooManyHoldsError,
} from './purchase-refusals.types';

export { AdmissionExpiredError, NotAdmittedError, TooManyHoldsError };

export enum ReservationStatus {
  HELD = 'HELD',
  PAYING = 'PAYING',
  PAID = 'PAID',
  EXPIRED = 'EXPIRED',
  DECLINED = 'DECLINED',
  CANCELLED = 'CANCELLED',
  REFUNDED = 'REFUNDED',
}
registerEnumType(ReservationStatus, {
  name: 'ReservationStatus',
  description:
    'HELD until paid or released; PAYING while one payment attempt is being charged; EXPIRED, DECLINED and CANCELLED gave their units back; REFUNDED: paid, but the payment could not become an order, so it was refunded and its units went back.',
});

@InputType()
export class PurchaseItemInput {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId!: string;

  @Field(() => Int, { description: `1 to ${MAX_UNITS_PER_ITEM}.` })
  @Min(1)
  @Max(MAX_UNITS_PER_ITEM)
  quantity!: number;
}

@InputType({ description: 'Either productId and quantity, or items (e.g. the cart’s lines).' })
export class PurchaseInput {
  @Field(() => ID, { nullable: true })
  @ValidateIf((input: PurchaseInput) => input.productId != null || !input.items?.length)
  @Matches(ID_PATTERN, { message: 'productId is not a valid id' })
  productId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Units of productId, 1 to ${MAX_UNITS_PER_ITEM}; 1 when omitted.`,
  })
  @IsOptional()
  @Min(1)
  @Max(MAX_UNITS_PER_ITEM)
  quantity?: number | null;

  @Field(() => [PurchaseItemInput], {
    nullable: true,
    description: `1 to ${MAX_PURCHASE_LINES} lines; not together with productId.`,
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PURCHASE_LINES)
  @ValidateNested()
  items?: PurchaseItemInput[] | null;

  @Field({
    description:
      'Client-chosen key (1 to 100 printable ASCII characters): a retry with the same key and input returns the same reservation.',
  })
  @Matches(IDEMPOTENCY_KEY_PATTERN, {
    message: 'idempotencyKey must be 1-100 printable characters',
  })
  idempotencyKey!: string;
}

@InputType()
export class PayInput {
  @Field(() => ID)
  reservationId!: string;
}

@InputType()
export class SyncStockInput {
  @Field(() => ID)
  productId!: string;
}

@ObjectType()
export class ReservationItem {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'Price of one unit when reserved, minor units.' })
  unitPrice!: number;
}

@ObjectType({ description: 'Units held for a member until paid or until the hold expires.' })
export class Reservation {
  @Field(() => ID)
  id!: string;

  @Field(() => ReservationStatus)
  status!: ReservationStatus;

  @Field(() => [ReservationItem])
  items!: ReservationItem[];

  @Field(() => Money, { description: 'Minor units.' })
  totalAmount!: number;

  @Field(() => Date)
  holdExpiresAt!: Date;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => ID, { nullable: true })
  paymentId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The order, once the order writer has written it.',
  })
  orderId?: number | null;

  userId!: number;
}

@ObjectType({ implements: ErrorResult })
export class SoldOutError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int, { description: 'Units still available (fewer than asked for).' })
  remaining!: number;
}

@ObjectType({
  implements: ErrorResult,
  description: 'The sale has not started (SALE_NOT_STARTED) or has ended (SALE_ENDED).',
})
export class SaleNotActiveError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => Date, { nullable: true })
  saleStartsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  saleEndsAt?: Date | null;
}

@ObjectType({ implements: ErrorResult })
export class PurchaseLimitExceededError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int, { description: 'Units this member may still buy of the product.' })
  remainingAllowance!: number;
}

@ObjectType({
  implements: ErrorResult,
  description: 'The charge was declined; the reservation’s units went back.',
})
export class PaymentDeclinedError extends ErrorResult {
  @Field(() => ID)
  reservationId!: string;
}

@ObjectType({
  implements: ErrorResult,
  description: 'The reservation is no longer held (expired or released).',
})
export class ReservationExpiredError extends ErrorResult {
  @Field(() => ID)
  reservationId!: string;

  @Field(() => ReservationStatus)
  status!: ReservationStatus;
}

@ObjectType({
  implements: ErrorResult,
  description:
    'Another payment of this reservation is being charged; ask again (or watch reservationChanged) for its outcome. No second charge is made.',
})
export class PaymentInProgressError extends ErrorResult {
  @Field(() => ID)
  reservationId!: string;
}

@ObjectType('Payment', {
  description: 'A completed payment; the order follows asynchronously (see Reservation.orderId).',
})
export class CompletedPayment {
  @Field(() => ID)
  id!: string;

  @Field(() => Money)
  amount!: number;

  @Field(() => Date)
  paidAt!: Date;

  @Field(() => Reservation)
  reservation!: Reservation;
}

@ObjectType({ description: 'Live stock of a product.' })
export class StockLevel {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int)
  remaining!: number;

  @Field(() => SaleState)
  saleState!: SaleState;

  @Field()
  soldOut!: boolean;

  @Field(() => Int, {
    description:
      'Version of the frame: per product, only grows. A jump of more than one, or a lower value after a reconnect, means frames were missed.',
  })
  version!: number;
}

export const PurchaseResult = createUnionType({
  name: 'PurchaseResult',
  types: () =>
    [
      Reservation,
      SoldOutError,
      SaleNotActiveError,
      PurchaseLimitExceededError,
      NotAdmittedError,
      AdmissionExpiredError,
      TooManyHoldsError,
    ] as const,
});

export const PayResult = createUnionType({
  name: 'PayResult',
  types: () =>
    [
      CompletedPayment,
      PaymentDeclinedError,
      ReservationExpiredError,
      PaymentInProgressError,
    ] as const,
});

/** Builds an error result member with its code and message. */
export function errorResult<T extends ErrorResult>(
  Type: new () => T,
  code: ErrorResultCode,
  message: string,
  fields: Omit<T, 'code' | 'message'>,
): T {
  return Object.assign(new Type(), { code, message }, fields);
}
