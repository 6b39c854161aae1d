import express from 'express';
import type { RequestContext } from '../context';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { AuthService } from '../services/members/auth.service';
import { resetPasswordForm, resetPasswordPage, verifyEmailForm, verifyEmailPage } from './pages';

/** As ResetPasswordInput checks it on GraphQL. */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;
const TOKEN_MAX = 200;

interface MailPageDeps {
  auth: Pick<AuthService, 'verifyEmail' | 'resetPassword'>;
  /** An anonymous request context for the client's address. */
  context: (req: express.Request) => RequestContext;
  logger: Logger;
}

const tokenOf = (value: unknown) =>
  typeof value === 'string' && value.length <= TOKEN_MAX ? value : '';

/**
 * The pages the mails link to. A GET only shows a form; the POST it sends does the work, so a
 * link prefetched by a mail scanner changes nothing (verification and reset tokens are single-use).
 */
export function mailPageRoutes(app: express.Express, deps: MailPageDeps): void {
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  const html = (res: express.Response, status: number, body: string) =>
    res.status(status).set('Cache-Control', 'no-store').type('html').send(body);

  app.get('/verify-email', (req, res) => html(res, 200, verifyEmailForm(tokenOf(req.query.token))));
  app.post('/verify-email', form, async (req, res) => {
    try {
      const user = await deps.auth.verifyEmail(deps.context(req), tokenOf(req.body?.token));
      html(res, 200, verifyEmailPage(true, user.email));
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.error({ err }, 'verify-email page failed');
      html(res, 400, verifyEmailPage(false));
    }
  });

  app.get('/reset-password', (req, res) =>
    html(res, 200, resetPasswordForm(tokenOf(req.query.token))),
  );
  app.post('/reset-password', form, async (req, res) => {
    const token = tokenOf(req.body?.token);
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      return html(
        res,
        400,
        resetPasswordForm(
          token,
          `The password needs ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`,
        ),
      );
    }
    if (password !== req.body?.confirm) {
      return html(res, 400, resetPasswordForm(token, 'The two passwords differ.'));
    }
    try {
      await deps.auth.resetPassword(deps.context(req), { token, newPassword: password });
      html(res, 200, resetPasswordPage(true));
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.error({ err }, 'reset-password page failed');
      const status = err instanceof AppError && err.code === 'RATE_LIMITED' ? 429 : 400;
      html(
        res,
        status,
        resetPasswordPage(false, err instanceof AppError ? err.message : undefined),
      );
    }
  });
}
