import { Entity, Enum, Index, Opt, PrimaryKey, Property } from '@mikro-orm/core';

export enum MailStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  EXPIRED = 'EXPIRED',
}

/**
 * A mail waiting to be sent. Written in the same transaction as the change that needs it, so
 * an SMTP outage delays mail but never loses it. The body is encrypted: it carries one-time links.
 */
@Entity({ tableName: 'mail_outbox' })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['topic', 'status'] })
export class MailOutbox {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 254 })
  toAddress!: string;

  @Property({ type: 'string', length: 255 })
  subject!: string;

  @Property({ type: 'text' })
  bodyCipher!: string;

  @Enum({ items: () => MailStatus, type: 'string', length: 16 })
  status: MailStatus & Opt = MailStatus.PENDING;

  @Property({ type: 'integer' })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime', length: 3 })
  nextAttemptAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  sentAt?: Date | null;

  /** Mails that lapse together (e.g. a drop's notices, `notify:<productId>`); null for most. */
  @Property({ type: 'string', length: 64, nullable: true })
  topic?: string | null;
}
