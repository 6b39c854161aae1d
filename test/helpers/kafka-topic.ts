import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { withKafkaAdmin } from '../../src/clients/kafka';
import type { Config } from '../../src/config';
import { waitFor } from './wait-for';

/** Every message value stored in `topic` so far, read by a fresh consumer group from the start. */
export async function storedValues(config: Config['kafka'], topic: string): Promise<string[]> {
  const kafka = new Kafka({ brokers: config.brokers, logLevel: logLevel.NOTHING });
  const high = await withKafkaAdmin(kafka, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).reduce(
      (sum, p) => sum + Number(p.high) - Number(p.low),
      0,
    ),
  );
  const consumer = kafka.consumer({ groupId: `topic-reader-${randomUUID()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value));
      },
    });
    await waitFor(
      async () => {
        if (values.length < high) throw new Error(`${values.length} of ${high} read`);
        return true;
      },
      { timeoutMs: 30_000, what: `${topic} read to its end` },
    );
  } finally {
    await consumer.disconnect();
  }
  return values;
}
