import type { Logger } from '../logger';
import type { Worker } from './worker';

/**
 * Runs `tick` every `intervalMs`, one run at a time; a tick that did work runs again at once.
 * `stop` waits for the running tick to finish.
 */
export function createPoller(
  name: string,
  intervalMs: number,
  tick: () => Promise<number>,
  logger: Logger,
): Worker {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const loop = () => {
    if (!running) return;
    current = tick()
      .then((did) => {
        if (running) timer = setTimeout(loop, did > 0 ? 0 : intervalMs);
      })
      .catch((err: unknown) => {
        logger.error({ err, worker: name }, 'worker tick failed');
        if (running) timer = setTimeout(loop, intervalMs);
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
