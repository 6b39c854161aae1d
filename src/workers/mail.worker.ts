import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/** Sends the mail outbox: polls for due mail and retries failures with backoff. */
export function createMailWorker({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'mail',
    config.mail.pollIntervalMs,
    () => services.mail.deliverDue(services.orm.em),
    logger,
  );
}
