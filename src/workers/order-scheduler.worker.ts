import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/**
 * Applies due order status changes from MySQL (safe on several instances at once) and re-sends
 * `order.status-changed` events the broker never acknowledged.
 */
export function createOrderSchedulerWorker({ config, services, logger }: WorkerDeps): Worker {
  const deps = {
    em: services.orm.em,
    lifecycle: services.orderLifecycle,
    notifier: services.orderStatus,
    logger,
  };
  const intervalMs = config.orders.schedulerIntervalMs;
  const log = deps.logger.child({ component: 'order-scheduler' });
  let relaying: Promise<unknown> | undefined;
  const poller = createPoller(
    'order-scheduler',
    intervalMs,
    async () => {
      // The relay runs beside the status changes: a broker outage must not hold them up.
      relaying ??= deps.notifier.outbox
        .run()
        .catch((err: unknown) => log.warn({ err }, 'order.status-changed relay failed'))
        .finally(() => {
          relaying = undefined;
        });
      return deps.lifecycle.applyDue(deps.em);
    },
    log,
  );
  return {
    start: () => poller.start(),
    async stop() {
      await poller.stop();
      await relaying;
    },
  };
}
