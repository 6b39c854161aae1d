import { IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';

// Lengths bound every string a client can send; argon2 input is capped to keep hashing cheap.
const EMAIL_MAX = 254;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;
const TOKEN_MAX = 200;

@InputType()
export class SignUpInput {
  @Field({ description: 'Trimmed and lower-cased; must be unique.' })
  @MaxLength(EMAIL_MAX)
  email!: string;

  @Field({ description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` })
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;

  @Field()
  @Length(1, 100)
  name!: string;
}

@InputType()
export class VerifyEmailInput {
  @Field({ description: 'The token from the verification link.' })
  @Length(1, TOKEN_MAX)
  token!: string;
}

@InputType()
export class EmailInput {
  @Field()
  @MaxLength(EMAIL_MAX)
  email!: string;
}

@InputType()
export class LoginInput {
  @Field()
  @MaxLength(EMAIL_MAX)
  email!: string;

  @Field()
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

@InputType()
export class RefreshTokenInput {
  @Field()
  @Length(1, TOKEN_MAX)
  refreshToken!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  name?: string;

  @Field(() => String, { nullable: true, description: 'Stored encrypted; null clears it.' })
  @IsOptional()
  @MaxLength(30)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored encrypted; null clears it.' })
  @IsOptional()
  @MaxLength(500)
  address?: string | null;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @MaxLength(PASSWORD_MAX)
  currentPassword!: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  newPassword!: string;
}

@InputType()
export class ResetPasswordInput {
  @Field({ description: 'The token from the password-reset mail.' })
  @Length(1, TOKEN_MAX)
  token!: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  newPassword!: string;
}
