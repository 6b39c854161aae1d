import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { withKafkaAdmin } from '../../src/clients/kafka';
import type { Config } from '../../src/config';

const PROBE_PARTITIONS = 6;
const PROBE_MESSAGES = 48;

/**
 * Resolves once Kafka stores what it acknowledges again: a fresh producer's keyed messages to a
 * new topic of several partitions are all there (the partitions' high watermarks add up). A test
 * that stops or kills brokers waits for this before it ends, so that the next file, which is
 * about other things, does not start in a broker's first seconds back. (Events acknowledged but
 * never stored in those seconds came from kafkajs faults that the app's sender now closes, see
 * src/clients/producer.ts and test/e2e/kafka-sender.e2e.test.ts.)
 */
export async function waitForKafkaSettled(
  config: Config['kafka'],
  timeoutMs = 90_000,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'settle-probe',
    brokers: config.brokers,
    logLevel: logLevel.NOTHING,
  });
  const deadline = Date.now() + timeoutMs;
  let problem = 'no round finished';
  for (;;) {
    const topic = `settle-probe.${randomUUID()}`;
    try {
      const stored = await withKafkaAdmin(kafka, async (admin) => {
        try {
          await admin.createTopics({
            topics: [{ topic, numPartitions: PROBE_PARTITIONS }],
            waitForLeaders: true,
          });
          const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await producer.connect();
          try {
            await producer.send({
              topic,
              acks: -1,
              messages: Array.from({ length: PROBE_MESSAGES }, (_, i) => ({
                key: `k${i}`,
                value: String(i),
              })),
            });
          } finally {
            await producer.disconnect();
          }
          const offsets = await admin.fetchTopicOffsets(topic);
          return offsets.reduce((sum, p) => sum + Number(p.high), 0);
        } finally {
          await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        }
      });
      if (stored === PROBE_MESSAGES) return;
      problem = `${stored} of ${PROBE_MESSAGES} acknowledged messages stored`;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`Kafka did not settle within ${timeoutMs} ms: ${problem}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
