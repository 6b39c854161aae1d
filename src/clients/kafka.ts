import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaMessage, type LogEntry } from 'kafkajs';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { fixKafkaRequestQueue } from './kafka-request-queue';
import { APP_TOPICS, topicName } from './topics';

// kafkajs 2 warns about its partitioner change on every producer; the default is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
// Before any client of this process exists, including those tools and tests make themselves.
fixKafkaRequestQueue();

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  // kafkajs logs retriable protocol errors (rebalances, a restarting broker) as ERROR; our own
  // code logs what finally fails at error level.
  [logLevel.ERROR]: 'warn',
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

export { APP_TOPICS, groupId, KAFKA_TOPICS, topicName, type KafkaTopic } from './topics';

/** Partitions of the topics the app creates; order-writer instances scale up to this many. */
export const TOPIC_PARTITIONS = 6;

const ensured = new WeakMap<Kafka, Promise<TopicPartitions>>();

/** Partition counts of the app's topics, by name on the broker. */
export type TopicPartitions = ReadonlyMap<string, number>;

/** Runs `work` with a connected admin client of `kafka`, disconnecting it afterwards. */
export async function withKafkaAdmin<T>(
  kafka: Kafka,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Reading a whole topic stops after this long even if a partition never caught up. */
const READ_TIMEOUT_MS = 30_000;

/**
 * Every message of `topic` from each partition's start up to its end at the time of the call,
 * read by a consumer group of its own (named `groupId` plus a random suffix), so reading never
 * moves anyone's offsets. Messages come partition by partition, in offset order.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  groupId: string,
): Promise<(KafkaMessage & { partition: number })[]> {
  const offsets = await withKafkaAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const ends = new Map(
    offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]),
  );
  if (!ends.size) return [];
  const consumer = kafka.consumer({ groupId: `${groupId}-${randomUUID()}` });
  const found: (KafkaMessage & { partition: number })[] = [];
  const pending = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic} could not be read to its end`)),
        READ_TIMEOUT_MS,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            found.push({ ...message, partition });
            if (BigInt(message.offset) + 1n >= ends.get(partition)!) pending.delete(partition);
            if (!pending.size) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found.sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

/**
 * A broker that has just started answers metadata requests for a while with retriable errors
 * ("This server does not host this topic-partition"); the admin client does not retry those.
 */
export async function retryWhileRetriable<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !(err as { retriable?: boolean }).retriable) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1000)));
    }
  }
}

/**
 * Creates the app's topics (`APP_TOPICS`) if they are missing: the first send to an auto-created
 * topic fails while it gets a leader. Resolves with each topic's partition count as the broker
 * reports it (senders route messages by it).
 * Runs once per Kafka client; a failed attempt is retried on the next call.
 */
export function ensureTopics(kafka: Kafka, config: Config['kafka']): Promise<TopicPartitions> {
  let done = ensured.get(kafka);
  if (!done) {
    done = retryWhileRetriable(() =>
      withKafkaAdmin(kafka, async (admin) => {
        const names = APP_TOPICS.map((n) => topicName(config, n));
        const existing = new Set(await admin.listTopics());
        const missing = names.filter((t) => !existing.has(t));
        if (missing.length) {
          await admin
            .createTopics({
              waitForLeaders: true,
              topics: missing.map((topic) => ({
                topic,
                numPartitions: TOPIC_PARTITIONS,
                ...(config.replicationFactor > 0 && {
                  replicationFactor: config.replicationFactor,
                }),
                ...(config.minInsyncReplicas > 0 && {
                  configEntries: [
                    { name: 'min.insync.replicas', value: String(config.minInsyncReplicas) },
                  ],
                }),
              })),
            })
            .catch(async (err: unknown) => {
              // Another instance may have created them at the same moment.
              const now = new Set(await admin.listTopics());
              if (!missing.every((t) => now.has(t))) throw err;
            });
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
        const incomplete = names.find((n) => !partitions.get(n));
        if (incomplete) throw new Error(`Kafka reports no partitions of ${incomplete}`);
        return partitions;
      }),
    );
    done.catch(() => ensured.delete(kafka));
    ensured.set(kafka, done);
  }
  return done;
}
