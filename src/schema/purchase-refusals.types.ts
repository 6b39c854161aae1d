import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ErrorResult } from './error-result';

// The purchase refusals of waiting rooms and of the anti-hoarding limits (members of
// PurchaseResult, purchase.types.ts).

@ObjectType({
  implements: ErrorResult,
  description:
    'The product sells through a waiting room and the member is not admitted yet (ticket above servedThrough), holds no ticket (ticket null: join first), or the room is paused. Nothing was reserved.',
})
export class NotAdmittedError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => Int, { nullable: true, description: 'The member’s ticket; null: not in line.' })
  ticket?: number | null;

  @Field(() => Int, { description: 'Every ticket up to this one is admitted.' })
  servedThrough!: number;

  @Field(() => Int, { nullable: true, description: 'ticket − servedThrough, when in line.' })
  position?: number | null;
}

@ObjectType({
  implements: ErrorResult,
  description:
    'The member was admitted but did not start a purchase within the admission window; the place went to the next in line.',
})
export class AdmissionExpiredError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => Date)
  expiredAt!: Date;
}

@ObjectType({
  implements: ErrorResult,
  description:
    'The member already holds the most unpaid reservations allowed (SALE_MAX_OPEN_HOLDS): pay or cancel one first.',
})
export class TooManyHoldsError extends ErrorResult {
  @Field(() => Int)
  openHolds!: number;

  @Field(() => Int)
  maxOpenHolds!: number;

  @Field(() => Date, { description: 'When the earliest open hold ends at the latest.' })
  nextReleaseAt!: Date;
}
