import type { Worker, WorkerDeps } from './worker';

/**
 * Ticks every waiting room once per ROOM_TICK_MS: admits the next cohort and publishes one frame
 * per room. Safe on several instances: room-tick.lua's lock runs one tick per room per interval.
 */
export function createRoomTicker({ config, services, logger }: WorkerDeps): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let current: Promise<unknown> = Promise.resolve();
  const loop = () => {
    if (!running) return;
    const started = Date.now();
    current = services.rooms
      .tickAll(services.orm.em.fork())
      .catch((err: unknown) => logger.error({ err, worker: 'room-ticker' }, 'room tick failed'))
      .finally(() => {
        // A steady cadence: the next tick is due one interval after this one started.
        const wait = Math.max(0, config.room.tickMs - (Date.now() - started));
        if (running) timer = setTimeout(loop, wait);
      });
  };
  return {
    async start() {
      running = true;
      loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
