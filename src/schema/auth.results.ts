import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../entities/user.entity';

@ObjectType({
  description: 'Tokens of a session: send `accessToken` as `Authorization: Bearer …`.',
})
export class AuthPayload {
  @Field()
  accessToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field({ description: 'Opaque; good for one `refreshToken` call, which returns a new one.' })
  refreshToken!: string;

  @Field(() => Date)
  refreshTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@ObjectType()
export class UserPayload {
  @Field(() => User)
  user!: User;
}

@ObjectType({ description: 'Accepted. Deliberately the same for every email address.' })
export class AcceptedPayload {
  @Field()
  accepted!: boolean;
}

@ObjectType()
export class LogoutPayload {
  @Field(() => Int, { description: 'How many sessions were ended.' })
  endedSessions!: number;
}
