import express from 'express';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../logger';
import type { NotifyService } from '../services/notify/notify.service';
import { escapeHtml } from '../services/notify/notice-mail';

/**
 * The one-click unsubscribe of notify-me mails, without login: `GET /unsubscribe?token=…` shows
 * a button (a mail scanner that follows links changes nothing), and a POST to the same address
 * unsubscribes, whether from that button or from a mail client honouring RFC 8058's
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
 */
export function unsubscribeRoutes(
  app: express.Express,
  notify: NotifyService,
  em: EntityManager,
  logger: Logger,
): void {
  const tokenOf = (req: express.Request): string => {
    const body = req.body as Record<string, unknown> | undefined;
    const token = req.query.token ?? body?.token;
    return typeof token === 'string' ? token : '';
  };
  app.get('/unsubscribe', async (req, res) => {
    try {
      const request = await notify.findByToken(em.fork(), tokenOf(req));
      if (!request) {
        res.status(404).type('html').send(page(LINK_GONE));
        return;
      }
      const name = escapeHtml(request.product.name);
      const token = escapeHtml(tokenOf(req));
      res
        .type('html')
        .send(
          page(
            `<p>Stop the mails about <strong>${name}</strong>?</p><form method="post" action="/unsubscribe"><input type="hidden" name="token" value="${token}"><button type="submit">Unsubscribe</button></form>`,
          ),
        );
    } catch (err) {
      logger.error({ err }, 'unsubscribe page failed');
      res.status(500).type('html').send(page('<p>Something went wrong. Try again.</p>'));
    }
  });
  app.post(
    '/unsubscribe',
    express.urlencoded({ extended: false, limit: '2kb' }),
    async (req, res) => {
      try {
        const ok = await notify.unsubscribe(em.fork(), tokenOf(req));
        if (!ok) {
          res.status(400).type('html').send(page(LINK_GONE));
          return;
        }
        res
          .type('html')
          .send(page('<p>You are unsubscribed. You will get no more mails about it.</p>'));
      } catch (err) {
        logger.error({ err }, 'unsubscribe failed');
        res.status(500).type('html').send(page('<p>Something went wrong. Try again.</p>'));
      }
    },
  );
}

const LINK_GONE =
  '<p>This unsubscribe link is invalid, or you are already unsubscribed. Nothing more will be sent for it.</p>';

/** Styled by the storefront's stylesheet like the other mail pages: nothing inline, so a strict CSP fits. */
function page(content: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<title>Unsubscribe · Rocket Mart</title><link rel="stylesheet" href="/shop/style.css"></head>' +
    '<body><header><a class="brand" href="/shop/#/products">Rocket Mart</a></header>' +
    `<main><h1>Unsubscribe</h1>${content}</main></body></html>`
  );
}
