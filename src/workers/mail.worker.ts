import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../logger';
import type { MailService } from '../services/mail/mail.service';
import { createPoller, type Worker } from './poller';

/** Sends the mail outbox: polls for due mail and retries failures with backoff. */
export function createMailWorker(
  deps: { em: EntityManager; mail: MailService; logger: Logger },
  intervalMs: number,
): Worker {
  return createPoller('mail', intervalMs, () => deps.mail.deliverDue(deps.em), deps.logger);
}
