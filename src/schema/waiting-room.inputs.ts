import { IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { WaitingRoomMode } from '../entities/waiting-room.entity';

registerEnumType(WaitingRoomMode, {
  name: 'WaitingRoomMode',
  description: 'How a room orders its line.',
  valuesConfig: {
    FIFO: { description: 'First come, first served (joins are numbered as they arrive).' },
    RAFFLE: { description: 'Entries only before the sale starts (the pre-queue).' },
  },
});

@InputType({
  description:
    'A product’s waiting room (admin). Omitted fields keep their value, or the configured default for a new room.',
})
export class WaitingRoomInput {
  @Field(() => WaitingRoomMode, { nullable: true })
  @IsOptional()
  mode?: WaitingRoomMode | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When members may start joining (before saleStartsAt); null: at the sale start.',
  })
  @IsOptional()
  preQueueOpensAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds an admitted member has to start a purchase (10 to 3600).',
  })
  @IsOptional()
  @Min(10)
  @Max(3600)
  admissionSeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds a reservation made through the room holds its units (30 to 3600).',
  })
  @IsOptional()
  @Min(30)
  @Max(3600)
  holdSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'Most admissions per second (1 to 10000).' })
  @IsOptional()
  @Min(1)
  @Max(10000)
  maxAdmitPerSecond?: number | null;
}

@InputType()
export class JoinWaitingRoomInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The solved ChallengeRequired.challenge (base64 ALTCHA payload).',
  })
  @IsOptional()
  @MaxLength(2000)
  proof?: string | null;
}

@InputType()
export class PauseWaitingRoomInput {
  @Field(() => ID)
  productId!: string;

  @Field({ description: 'Shown to everyone in line (1 to 500 characters).' })
  @Length(1, 500)
  reason!: string;
}
