import { createMailWorker } from './mail.worker';
import { createNotifyWorker } from './notify.worker';
import { createOrderSchedulerWorker } from './order-scheduler.worker';
import { createOrderWriter } from './order-writer.worker';
import {
  createLostEventCheck,
  createPaymentRecovery,
  createPaymentRefunds,
  createPaymentRelay,
} from './payment-relay.worker';
import { createRoomTicker } from './room-ticker.worker';
import { createExpirySweeper } from './sweeper.worker';
import type { Worker, WorkerDeps } from './worker';

/** Every worker of the `worker` role, each built from the same deps. */
const WORKERS = [
  createMailWorker,
  createOrderWriter,
  createExpirySweeper,
  createPaymentRelay,
  createLostEventCheck,
  createPaymentRecovery,
  createPaymentRefunds,
  createOrderSchedulerWorker,
  createRoomTicker,
  createNotifyWorker,
];

export function createWorkers(deps: WorkerDeps): Worker[] {
  return WORKERS.map((create) => create(deps));
}

export type { Worker, WorkerDeps } from './worker';
