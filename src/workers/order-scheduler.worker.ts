import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../logger';
import type { OrderLifecycleService } from '../services/orders/lifecycle.service';
import type { OrderStatusNotifier } from '../services/orders/status-notifier';
import { createPoller, type Worker } from './poller';

/**
 * Applies due order status changes from MySQL (safe on several instances at once) and re-sends
 * `order.status-changed` events the broker never acknowledged.
 */
export function createOrderSchedulerWorker(
  deps: {
    em: EntityManager;
    lifecycle: OrderLifecycleService;
    notifier: OrderStatusNotifier;
    logger: Logger;
  },
  intervalMs: number,
): Worker {
  const log = deps.logger.child({ component: 'order-scheduler' });
  let relaying: Promise<unknown> | undefined;
  const poller = createPoller(
    'order-scheduler',
    intervalMs,
    async () => {
      // The relay runs beside the status changes: a broker outage must not hold them up.
      relaying ??= deps.notifier
        .relayPending()
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
