import { Kafka, logLevel } from 'kafkajs';
import { readTopic } from '../../src/clients/kafka';
import type { Config } from '../../src/config';

/** Every message value stored in `topic` so far, read by a fresh consumer group from the start. */
export async function storedValues(config: Config['kafka'], topic: string): Promise<string[]> {
  const kafka = new Kafka({ brokers: config.brokers, logLevel: logLevel.NOTHING });
  return (await readTopic(kafka, topic, 'topic-reader')).map((m) => String(m.value));
}
