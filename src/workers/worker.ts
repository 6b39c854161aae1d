import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Services } from '../services';

/** What every worker factory takes: the process's config, its services and its logger. */
export interface WorkerDeps {
  config: Config;
  services: Services;
  logger: Logger;
}

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
}
