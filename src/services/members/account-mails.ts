import type { MailBody } from '../mail/mail.service';

/** The mails the account flows send: subject and body, text and HTML. */
export interface AccountMail extends MailBody {
  subject: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function signUpTakenMail(name: string, signIn: string): AccountMail {
  return {
    subject: 'Someone tried to sign up with your email',
    text: `Hello ${name},\n\nSomeone tried to create a Rocket Mart account with this address, which already has one. If it was you, log in, or ask for a password reset, at\n${signIn}\n\nOtherwise, ignore this mail.\n`,
    html: `<p>Hello ${escapeHtml(name)},</p><p>Someone tried to create a Rocket Mart account with this address, which already has one. If it was you, <a href="${signIn}">log in</a>, or ask for a password reset there.</p><p>Otherwise, ignore this mail.</p>`,
  };
}

export function verificationMail(name: string, link: string, hours: number): AccountMail {
  return {
    subject: 'Verify your Rocket Mart email',
    text: `Welcome to Rocket Mart, ${name}!\n\nConfirm your email address:\n${link}\n\nThe link works once, for ${hours} hours.\n`,
    html: `<p>Welcome to Rocket Mart, ${escapeHtml(name)}!</p><p><a href="${link}">Confirm your email address</a></p><p>The link works once, for ${hours} hours.</p>`,
  };
}

export function resetMail(name: string, link: string, minutes: number): AccountMail {
  return {
    subject: 'Reset your Rocket Mart password',
    text: `Hello ${name},\n\nReset your password here (valid for ${minutes} minutes):\n${link}\n\nIf you did not ask for this, ignore this mail.\n`,
    html: `<p>Hello ${escapeHtml(name)},</p><p><a href="${link}">Reset your password</a> (valid for ${minutes} minutes).</p><p>If you did not ask for this, ignore this mail.</p>`,
  };
}

/** Answers a reset or a resend for an address without an account, as a known one is answered. */
export function noAccountMail(signUp: string): AccountMail {
  return {
    subject: 'Your Rocket Mart password or verification request',
    text: `Hello,\n\nSomeone asked Rocket Mart for a password reset or a verification link for this address, which has no account. To create one, go to\n${signUp}\n\nIf it was not you, ignore this mail.\n`,
    html: `<p>Hello,</p><p>Someone asked Rocket Mart for a password reset or a verification link for this address, which has no account. <a href="${signUp}">Create one</a> if you wish.</p><p>If it was not you, ignore this mail.</p>`,
  };
}

/** Answers a verification resend for an account that is verified already. */
export function alreadyVerifiedMail(name: string, signIn: string): AccountMail {
  return {
    subject: 'Your Rocket Mart email is already verified',
    text: `Hello ${name},\n\nSomeone asked for a new verification link for this address, which is already verified. Log in at\n${signIn}\n\nIf it was not you, ignore this mail.\n`,
    html: `<p>Hello ${escapeHtml(name)},</p><p>Someone asked for a new verification link for this address, which is already verified. <a href="${signIn}">Log in</a>.</p><p>If it was not you, ignore this mail.</p>`,
  };
}
