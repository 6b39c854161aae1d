import type { EntityManager } from '@mikro-orm/mysql';
import { LockMode } from '@mikro-orm/core';
import type { Config } from '../../config';
import { MailOutbox, MailStatus } from '../../entities/mail-outbox.entity';
import type { Mailer } from '../../clients/mailer';
import type { Logger } from '../../logger';
import type { FieldCipher } from '../common/field-cipher';

export interface MailBody {
  text: string;
  html: string;
}

// A claimed mail is invisible to other workers this long; a worker that dies mid-send frees it.
const LEASE_MS = 60_000;

/**
 * Mail through a durable outbox: `enqueue` joins the caller's transaction, and `deliverDue`
 * (run by the mail worker) sends what is due, retrying with capped exponential backoff until the
 * mail's own expiry. An SMTP outage therefore delays mail and never loses it.
 */
export class MailService {
  constructor(
    private readonly config: Pick<Config, 'mail' | 'publicUrl'>,
    private readonly cipher: FieldCipher,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  /** An absolute address of a page of the shop. */
  url(path: string): string {
    return `${this.config.publicUrl}${path}`;
  }

  link(path: string, token: string): string {
    return `${this.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }

  /** Adds a mail to the outbox of `em`'s unit of work; it is written when the caller flushes. */
  enqueue(em: EntityManager, to: string, subject: string, body: MailBody, expiresAt: Date): void {
    em.create(MailOutbox, {
      toAddress: to,
      subject,
      bodyCipher: this.cipher.encrypt(JSON.stringify(body)),
      expiresAt,
    });
  }

  /** Sends up to `limit` due mails; returns how many were sent. Safe on several workers at once. */
  async deliverDue(rootEm: EntityManager, limit = 20): Promise<number> {
    const now = new Date();
    const claimed = await rootEm.fork().transactional(async (em) => {
      const due = await em.find(
        MailOutbox,
        { status: MailStatus.PENDING, nextAttemptAt: { $lte: now } },
        { limit, orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      for (const mail of due) {
        if (mail.expiresAt <= now) {
          mail.status = MailStatus.EXPIRED;
          continue;
        }
        mail.attempts += 1;
        mail.nextAttemptAt = new Date(now.getTime() + LEASE_MS);
      }
      return due.filter((m) => m.status === MailStatus.PENDING);
    });

    let sent = 0;
    const em = rootEm.fork();
    for (const mail of claimed) {
      try {
        const body = JSON.parse(this.cipher.decrypt(mail.bodyCipher)) as MailBody;
        await this.mailer.sendMail({
          from: this.config.mail.from,
          to: mail.toAddress,
          subject: mail.subject,
          text: body.text,
          html: body.html,
        });
        await em.nativeUpdate(
          MailOutbox,
          { id: mail.id },
          { status: MailStatus.SENT, sentAt: new Date(), lastError: null },
        );
        sent += 1;
      } catch (err) {
        const delay = Math.min(
          this.config.mail.retryMaxMs,
          this.config.mail.retryBaseMs * 2 ** Math.max(0, mail.attempts - 1),
        );
        const lastError = String((err as Error).message ?? err).slice(0, 500);
        await em.nativeUpdate(
          MailOutbox,
          { id: mail.id },
          { nextAttemptAt: new Date(Date.now() + delay), lastError },
        );
        this.logger.warn(
          { mailId: mail.id, attempts: mail.attempts, retryInMs: delay, err: lastError },
          'mail send failed; will retry',
        );
      }
    }
    return sent;
  }
}
