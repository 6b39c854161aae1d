import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { User } from '../entities/user.entity';
import {
  ChangePasswordInput,
  EmailInput,
  LoginInput,
  RefreshTokenInput,
  ResetPasswordInput,
  SignUpInput,
  VerifyEmailInput,
} from '../schema/auth.inputs';
import { AcceptedPayload, AuthPayload, LogoutPayload, UserPayload } from '../schema/auth.results';
import type { AuthService } from '../services/members/auth.service';
import { viewerOf } from './viewer';

@Resolver(() => User)
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AcceptedPayload, {
    description:
      'Creates an unverified account and mails a verification link; for an address that has an account, answers the same and mails its owner.',
  })
  async signUp(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: SignUpInput,
  ): Promise<AcceptedPayload> {
    await this.auth.signUp(ctx, input);
    return { accepted: true };
  }

  @Mutation(() => UserPayload)
  async verifyEmail(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: VerifyEmailInput,
  ): Promise<UserPayload> {
    return { user: await this.auth.verifyEmail(ctx, input.token) };
  }

  @Mutation(() => AcceptedPayload)
  async resendVerificationEmail(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: EmailInput,
  ): Promise<AcceptedPayload> {
    await this.auth.resendVerificationEmail(ctx, input.email);
    return { accepted: true };
  }

  @Mutation(() => AuthPayload, { description: 'Verified accounts only.' })
  login(@Ctx() ctx: RequestContext, @Arg('input') input: LoginInput): Promise<AuthPayload> {
    return this.auth.login(ctx, input);
  }

  @Mutation(() => AuthPayload, {
    description: 'Rotates the refresh token; an old one revokes its session.',
  })
  refreshToken(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: RefreshTokenInput,
  ): Promise<AuthPayload> {
    return this.auth.refresh(ctx, input.refreshToken);
  }

  @Authorized()
  @Mutation(() => LogoutPayload, { description: 'Ends the current session at once.' })
  async logout(@Ctx() ctx: RequestContext): Promise<LogoutPayload> {
    await this.auth.logout(ctx, viewerOf(ctx));
    return { endedSessions: 1 };
  }

  @Authorized()
  @Mutation(() => LogoutPayload, { description: 'Ends every session of the member at once.' })
  async logoutAll(@Ctx() ctx: RequestContext): Promise<LogoutPayload> {
    return { endedSessions: await this.auth.logoutAll(ctx, viewerOf(ctx)) };
  }

  @Authorized()
  @Mutation(() => UserPayload, {
    description: 'Needs the current password; ends the other sessions.',
  })
  async changePassword(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: ChangePasswordInput,
  ): Promise<UserPayload> {
    return { user: await this.auth.changePassword(ctx, viewerOf(ctx), input) };
  }

  @Mutation(() => AcceptedPayload, { description: 'Mails a reset link if the account exists.' })
  async requestPasswordReset(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: EmailInput,
  ): Promise<AcceptedPayload> {
    await this.auth.requestPasswordReset(ctx, input.email);
    return { accepted: true };
  }

  @Mutation(() => UserPayload, { description: 'Sets a new password and ends every session.' })
  async resetPassword(
    @Ctx() ctx: RequestContext,
    @Arg('input') input: ResetPasswordInput,
  ): Promise<UserPayload> {
    return { user: await this.auth.resetPassword(ctx, input) };
  }
}
