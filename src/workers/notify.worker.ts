import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/**
 * Notify me: each tick announces drops' lifecycle changes (sale opened, sold out, ended),
 * expires the notices of drops that sold out or ended, and mails a batch of due sale-start
 * notices (into the mail outbox, which sends them at the paced times).
 */
export function createNotifyWorker({ config, services, logger }: WorkerDeps): Worker {
  const em = services.orm.em;
  return createPoller(
    'notify',
    config.notify.pollIntervalMs,
    async () => {
      await services.dropLifecycle.watch(em);
      await services.notices.expireLapsed(em);
      return services.notices.sendSaleStarts(em);
    },
    logger,
  );
}
