import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { MailOutbox } from '../../entities/mail-outbox.entity';
import type { Mailer } from '../../clients/mailer';
import type { Logger } from '../../logger';
import type { FieldCipher } from '../common/field-cipher';
import { OutboxRelay, type OutboxSource } from '../common/outbox-relay';

/** The columns of a `mail_outbox` row a delivery reads. */
interface MailRow {
  id: number;
  to_address: string;
  subject: string;
  body_cipher: string;
  attempts: number;
}

export interface MailBody {
  text: string;
  html: string;
  /** Extra headers, e.g. `List-Unsubscribe` (kept in the encrypted body: they carry tokens). */
  headers?: Record<string, string>;
}

export interface EnqueueOptions {
  /** Mails that lapse together (`expireTopic`), e.g. `notify:42`. */
  topic?: string;
  /** Not sent before this instant (pacing); default now. */
  notBefore?: Date;
}

// A claimed mail is invisible to other workers this long; a worker that dies mid-send frees it.
const LEASE_MS = 60_000;

/**
 * Mail through a durable outbox: `enqueue` joins the caller's transaction, and `deliverDue`
 * (run by the mail worker, on the shared outbox relay) sends what is due, retrying with capped
 * exponential backoff until the mail's own expiry. An SMTP outage therefore delays mail and never loses it.
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
  enqueue(
    em: EntityManager,
    to: string,
    subject: string,
    body: MailBody,
    expiresAt: Date,
    options: EnqueueOptions = {},
  ): void {
    em.create(MailOutbox, {
      toAddress: to,
      subject,
      bodyCipher: this.cipher.encrypt(JSON.stringify(body)),
      expiresAt,
      topic: options.topic ?? null,
      nextAttemptAt: options.notBefore ?? new Date(),
    });
  }

  /** Expires the pending mails of a topic (they are never sent); returns how many. */
  async expireTopic(em: EntityManager, topic: string): Promise<number> {
    const res = await em.execute<{ affectedRows: number }>(
      `update mail_outbox set status = 'EXPIRED' where topic = ? and status = 'PENDING'`,
      [topic],
      'run',
    );
    return res.affectedRows;
  }

  /** The topics (starting with `prefix`) that still have pending mails. */
  async pendingTopics(em: EntityManager, prefix: string): Promise<string[]> {
    const rows = await em.execute<{ topic: string }[]>(
      `select distinct topic from mail_outbox where topic like ? and status = 'PENDING'`,
      [`${prefix}%`],
    );
    return rows.map((r) => r.topic);
  }

  /**
   * The latest send time of the pending, never tried mails of topics starting with `prefix`, if
   * any (a claimed or retried mail's `next_attempt_at` is its lease or backoff, not its slot).
   */
  async lastScheduled(em: EntityManager, prefix: string): Promise<Date | null> {
    const [row] = await em.execute<{ at: Date | string | null }[]>(
      `select max(next_attempt_at) as at from mail_outbox
       where topic like ? and status = 'PENDING' and attempts = 0`,
      [`${prefix}%`],
    );
    return row?.at ? new Date(row.at) : null;
  }

  /** Sends up to `limit` due mails; returns how many were sent. Safe on several workers at once. */
  deliverDue(rootEm: EntityManager, limit = 20): Promise<number> {
    return new OutboxRelay<MailRow>(rootEm, this.outbox, this.logger).run(limit);
  }

  /** The mail outbox: its claim and its delivery. */
  get outbox(): OutboxSource<MailRow> {
    return {
      name: 'mail',
      table: 'mail_outbox',
      columns: 'id, to_address, subject, body_cipher, attempts',
      pending: "status = 'PENDING'",
      orderBy: 'next_attempt_at, id',
      limit: 20,
      leaseMs: LEASE_MS,
      // A mail past its expiry is not sent any more (its links no longer work).
      expire: { when: 'expires_at <= now(3)', set: "status = 'EXPIRED'" },
      backoff: { baseMs: this.config.mail.retryBaseMs, maxMs: this.config.mail.retryMaxMs },
      delivered: "status = 'SENT', sent_at = now(3), last_error = null",
      // A notice expired by its topic (`expireTopic`) while it was being sent did go out.
      deliveredWhere: "status in ('PENDING', 'EXPIRED')",
      mode: 'each',
      deliver: async ([mail]) => {
        const body = JSON.parse(this.cipher.decrypt(mail.body_cipher)) as MailBody;
        await this.mailer.sendMail({
          from: this.config.mail.from,
          to: mail.to_address,
          subject: mail.subject,
          text: body.text,
          html: body.html,
          headers: body.headers,
        });
      },
    };
  }
}
