// Signing in, signing up and asking for a password reset. The mails' links open the server's own
// pages (/verify-email, /reset-password: src/http/pages.ts), which confirm with a POST.
import { describeError, request, setSession } from '../api';
import {
  LoginDocument,
  RequestPasswordResetDocument,
  ResendVerificationDocument,
  SignUpDocument,
} from '../documents';
import { go } from '../page';
import { field, form, h, message } from '../ui';

/** `#/signin/offline`: signed out here, but the server could not be told. */
export function signInPage(note = ''): HTMLElement[] {
  return [
    h('h1', {}, 'Sign in'),
    note === 'offline'
      ? message(
          'info',
          'Signed out on this device; the shop could not be reached to end the session.',
        )
      : h('span'),
    form(
      [
        field('Email', 'email', 'email', { autocomplete: 'username' }),
        field('Password', 'password', 'password', { autocomplete: 'current-password' }),
      ],
      'Sign in',
      async (data) => {
        const { login } = await request(
          LoginDocument,
          {
            input: { email: String(data.get('email')), password: String(data.get('password')) },
          },
          { anonymous: true },
        );
        setSession(login);
        go('#/products');
      },
    ),
    h('p', {}, h('a', { href: '#/forgot' }, 'Forgot your password?')),
    h('p', {}, 'New here? ', h('a', { href: '#/signup' }, 'Create an account')),
  ];
}

export function signUpPage(): HTMLElement[] {
  return [
    h('h1', {}, 'Create an account'),
    form(
      [
        field('Name', 'name'),
        field('Email', 'email', 'email', { autocomplete: 'username' }),
        field('Password (8 or more characters)', 'password', 'password', {
          minlength: '8',
          autocomplete: 'new-password',
        }),
      ],
      'Sign up',
      async (data, out) => {
        const email = String(data.get('email'));
        await request(
          SignUpDocument,
          {
            input: {
              name: String(data.get('name')),
              email,
              password: String(data.get('password')),
            },
          },
          { anonymous: true },
        );
        const resend = h('button', { class: 'link', type: 'button' }, 'Send it again');
        resend.onclick = () =>
          request(ResendVerificationDocument, { input: { email } }, { anonymous: true })
            .then(() => out.append(message('info', 'Sent again.')))
            .catch((err) => out.append(message('error', describeError(err))));
        out.replaceChildren(
          message(
            'success',
            `We mailed a verification link to ${email}. Open it, confirm, then `,
            h('a', { href: '#/signin' }, 'sign in'),
            '. ',
          ),
          resend,
        );
      },
    ),
  ];
}

export function forgotPasswordPage(): HTMLElement[] {
  return [
    h('h1', {}, 'Forgot your password?'),
    h('p', {}, 'We mail you a link that lets you choose a new one.'),
    form(
      [field('Email', 'email', 'email', { autocomplete: 'username' })],
      'Mail me a link',
      async (data, out) => {
        const email = String(data.get('email'));
        await request(RequestPasswordResetDocument, { input: { email } }, { anonymous: true });
        // The same answer whether the address has an account or not.
        out.replaceChildren(
          message('success', `If ${email} has an account, a reset link is on its way.`),
        );
      },
    ),
  ];
}
