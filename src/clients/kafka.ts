import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Config } from '../config';
import type { Logger } from '../logger';

// kafkajs 2 warns about its partitioner change on every producer; the default is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(config: Config['kafka'], logger: Logger): Kafka {
  const log = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/** Topic names carry the configured prefix so test files and environments never share a topic. */
export function topicName(config: Config['kafka'], name: string): string {
  return `${config.topicPrefix}${name}`;
}

/** Consumer group ids are `<prefix>.<worker>`. */
export function groupId(config: Config['kafka'], worker: string): string {
  return `${config.groupPrefix}.${config.topicPrefix}${worker}`;
}
