import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { User } from '../entities/user.entity';
import { UpdateProfileInput } from '../schema/auth.inputs';
import { UserPayload } from '../schema/auth.results';
import type { UserService } from '../services/members/user.service';
import { viewerOf } from './viewer';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @Authorized()
  @Query(() => User, { description: 'The signed-in member.' })
  me(@Ctx() ctx: RequestContext): Promise<User> {
    return this.users.me(ctx, viewerOf(ctx));
  }

  @Authorized()
  @Mutation(() => UserPayload)
  async updateProfile(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: UpdateProfileInput,
  ): Promise<UserPayload> {
    return { user: await this.users.updateProfile(ctx, viewerOf(ctx), input) };
  }

  @FieldResolver(() => Boolean)
  emailVerified(@Root() user: User): boolean {
    return user.emailVerifiedAt != null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Owner and admins only.' })
  phone(@Root() user: User, @Ctx() ctx: RequestContext): string | null {
    return this.users.personal(ctx.viewer, user, 'phone');
  }

  @FieldResolver(() => String, { nullable: true, description: 'Owner and admins only.' })
  address(@Root() user: User, @Ctx() ctx: RequestContext): string | null {
    return this.users.personal(ctx.viewer, user, 'address');
  }
}
