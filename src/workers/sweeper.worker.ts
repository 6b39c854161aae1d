import type { Logger } from '../logger';
import type { ReservationService } from '../services/sale/reservation.service';
import { createPoller, type Worker } from './poller';

/** Releases expired holds (abandoned checkouts); safe on several instances at once. */
export function createExpirySweeper(
  reservations: ReservationService,
  intervalMs: number,
  logger: Logger,
): Worker {
  return createPoller('expiry-sweeper', intervalMs, () => reservations.sweep(), logger);
}
