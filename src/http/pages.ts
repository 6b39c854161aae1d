// The small pages a mail's link opens in a browser: plain HTML forms that POST, no script, styled
// by the storefront's stylesheet (so a strict CSP with `script-src 'self'` and `style-src 'self'`
// fits them). Every text from outside is escaped.

/** A whole page: the shop's header, one main landmark holding `body`. */
function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escape(title)} · Rocket Mart</title><link rel="stylesheet" href="/shop/style.css"></head>` +
    `<body><header><a class="brand" href="/shop/#/products">Rocket Mart</a></header>` +
    `<main><h1>${escape(title)}</h1>${body}</main></body></html>`
  );
}

const message = (kind: 'error' | 'success' | 'info', text: string) =>
  `<p class="message ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;

const signInLink = '<p><a href="/shop/#/signin">Sign in</a></p>';

/**
 * What GET /verify-email shows: a button that confirms with a POST. Opening the link verifies
 * nothing, so a mail scanner that fetches links cannot verify an address for its owner.
 */
export function verifyEmailForm(token: string): string {
  return page(
    'Confirm your email address',
    `<p>One click confirms that this address is yours.</p>` +
      `<form method="post" action="/verify-email">` +
      `<input type="hidden" name="token" value="${escape(token)}">` +
      `<button type="submit">Confirm my email address</button></form>`,
  );
}

/** The answer to POST /verify-email. */
export function verifyEmailPage(ok: boolean, email?: string): string {
  return ok
    ? page(
        'Email address verified',
        message(
          'success',
          `Your email address ${escape(email ?? '')} is verified. You can sign in now.`,
        ) + signInLink,
      )
    : page(
        'Link not valid',
        message(
          'error',
          'This verification link is invalid, used or expired. Sign up again or ask for a new link from the shop.',
        ),
      );
}

/** GET /reset-password: the new password, twice; `error` when a POST was refused. */
export function resetPasswordForm(token: string, error?: string): string {
  return page(
    'Choose a new password',
    (error ? message('error', escape(error)) : '') +
      `<form method="post" action="/reset-password">` +
      `<input type="hidden" name="token" value="${escape(token)}">` +
      `<label>New password (8 or more characters)` +
      `<input name="password" type="password" required minlength="8" maxlength="128" autocomplete="new-password"></label>` +
      `<label>The same again` +
      `<input name="confirm" type="password" required minlength="8" maxlength="128" autocomplete="new-password"></label>` +
      `<button type="submit">Set new password</button></form>`,
  );
}

/** The answer to a POST /reset-password that worked, or whose link no longer does. */
export function resetPasswordPage(ok: boolean, error?: string): string {
  return ok
    ? page(
        'Password changed',
        message(
          'success',
          'Your password is changed, and every session of your account has ended. Sign in with the new password.',
        ) + signInLink,
      )
    : page(
        'Link not valid',
        message('error', escape(error ?? 'This link is invalid or has expired.')) +
          '<p><a href="/shop/#/forgot">Ask for a new link</a></p>',
      );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
