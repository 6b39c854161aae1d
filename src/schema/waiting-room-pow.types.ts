import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ErrorResult } from './error-result';

@ObjectType({
  description:
    'An ALTCHA proof-of-work challenge (altcha-lib / altcha widget, SHA-256): find `number` ≤ maxNumber with SHA-256(salt + number) = challenge, then send base64(JSON {algorithm, challenge, number, salt, signature}) as JoinWaitingRoomInput.proof. Bound to the viewer and the product; single use; expires at expiresAt.',
})
export class PowChallenge {
  @Field()
  algorithm!: string;

  @Field()
  challenge!: string;

  @Field()
  salt!: string;

  @Field()
  signature!: string;

  @Field(() => Int, { description: 'The cost: grows with the queue length.' })
  maxNumber!: number;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType({
  implements: ErrorResult,
  description: 'Joining needs a proof of work: solve `challenge` and join again with the proof.',
})
export class ChallengeRequired extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field(() => PowChallenge)
  challenge!: PowChallenge;
}

@ObjectType({
  implements: ErrorResult,
  description:
    'The proof was refused: reason invalid, expired, replayed (already used), otherMember or otherProduct. Ask for a new challenge (join without proof).',
})
export class ChallengeFailedError extends ErrorResult {
  @Field(() => ID)
  productId!: number;

  @Field()
  reason!: string;
}
