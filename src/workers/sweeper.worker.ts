import { paymentTable } from '../services/payments/payment-table';
import { createPoller } from './poller';
import type { Worker, WorkerDeps } from './worker';

/**
 * Releases expired holds (abandoned checkouts); safe on several instances at once. A due
 * reservation whose payment MySQL holds as PAID is marked paid again instead (a Redis failover
 * lost its pay.lua write): its units are sold, never released.
 */
export function createExpirySweeper({ config, services, logger }: WorkerDeps): Worker {
  const log = logger.child({ worker: 'expiry-sweeper' });
  services.reservations.lostPaid ??= (reservation, paymentId) =>
    log.error(
      { reservationId: reservation.id, paymentId },
      'reservation paid in MySQL but not in Redis (a lost write): marked paid again',
    );
  return createPoller(
    'expiry-sweeper',
    config.sale.sweeperIntervalMs,
    () =>
      services.reservations.sweep(500, (ids) => paymentTable.paidOf(services.orm.em.fork(), ids)),
    logger,
  );
}
