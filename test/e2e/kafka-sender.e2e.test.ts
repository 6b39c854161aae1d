import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, withKafkaAdmin } from '../../src/clients/kafka';
import { KafkaSender } from '../../src/clients/producer';
import { APP_TOPICS, KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { lossyKafkaSockets } from '../helpers/lossy-kafka-socket';
import { testConfig } from '../helpers/test-config';
import { storedValues } from '../helpers/kafka-topic';

// The app's Kafka sender against the real broker, over connections that lose the broker's
// answers: whatever a send resolves for is stored, whatever happened to the sends before it.
const config = testConfig(__filename);
const topic = topicName(config.kafka, KAFKA_TOPICS.paymentCompleted);
const plain = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
const sockets = lossyKafkaSockets();
let sender: KafkaSender;

beforeAll(async () => {
  const kafka = new Kafka({
    clientId: 'lossy-sender',
    brokers: config.kafka.brokers,
    logLevel: logLevel.NOTHING,
    // An answer that never comes fails its request after a second rather than kafkajs' 30 s.
    requestTimeout: 1000,
    socketFactory: sockets.socketFactory,
  });
  await ensureTopics(kafka, config.kafka);
  sender = new KafkaSender(kafka, config.kafka);
});

afterAll(async () => {
  await sender?.stop();
  await withKafkaAdmin(plain, (admin) =>
    admin.deleteTopics({ topics: APP_TOPICS.map((t) => topicName(config.kafka, t)) }),
  ).catch(() => undefined);
});

const stored = () => storedValues(config.kafka, topic);

/** One single-message send; all go to one partition (one key), numbered one after the other. */
const sendOne = (value: string) =>
  sender.send(KAFKA_TOPICS.paymentCompleted, [{ key: 'r1', value }]);

it('sends at once whose first answer is lost: every one resolves and every one is stored', async () => {
  await sendOne('warm-up');
  sockets.loseProduceAnswers(1);
  const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map(sendOne));
  expect(sockets.lost()).toBe(1);
  expect(results.map((r) => r.status)).toEqual([
    'fulfilled',
    'fulfilled',
    'fulfilled',
    'fulfilled',
  ]);
  const values = await stored();
  for (const value of ['warm-up', 'a', 'b', 'c', 'd']) expect(values).toContain(value);
}, 60_000);

it('a send whose every answer is lost fails, and a later send is stored all the same', async () => {
  const lostBefore = sockets.lost();
  sockets.loseProduceAnswers(Number.MAX_SAFE_INTEGER);
  await expect(sendOne('unanswered')).rejects.toThrow();
  sockets.stopLosing();
  expect(sockets.lost()).toBeGreaterThan(lostBefore);
  await sendOne('after');
  // The broker stored the unanswered send (only its answers were lost): the outbox sends it again
  // and the consumers dedupe. What must hold is that the acknowledged send is there.
  expect(await stored()).toContain('after');
}, 90_000);
