import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/** Releases expired holds (abandoned checkouts); safe on several instances at once. */
export function createExpirySweeper({ config, services, logger }: WorkerDeps): Worker {
  return createPoller(
    'expiry-sweeper',
    config.sale.sweeperIntervalMs,
    () => services.reservations.sweep(),
    logger,
  );
}
