import { describe, expect, it } from '@jest/globals';
import type { RecordMetadata } from 'kafkajs';
import { routeMessages, unconfirmedPartitions } from './producer';

describe('Kafka sends', () => {
  it('route each key to one partition of the topic, and keep a partition already given', () => {
    const messages = Array.from({ length: 600 }, (_, i) => ({ key: `r${i}`, value: 'x' }));
    const first = routeMessages(messages, 6);
    const again = routeMessages(messages, 6);
    expect(first.map((m) => m.partition)).toEqual(again.map((m) => m.partition));
    expect(new Set(first.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(routeMessages([{ key: 'r1', value: 'x', partition: 4 }], 6)[0].partition).toBe(4);
  });

  it('count a send only for the partitions the broker confirmed without an error', () => {
    const routed = routeMessages(
      Array.from({ length: 60 }, (_, i) => ({ key: `r${i}`, value: 'x' })),
      6,
    );
    const answer = (partition: number, errorCode = 0, topicName = 't'): RecordMetadata => ({
      topicName,
      partition,
      errorCode,
    });
    const all = [0, 1, 2, 3, 4, 5].map((p) => answer(p));
    expect(unconfirmedPartitions('t', routed, all)).toEqual([]);
    // A partition left out of the answer (kafkajs skipped it), one with an error, another topic's.
    const partial = [answer(0), answer(1), answer(2, 6), answer(4), answer(5), answer(3, 0, 'u')];
    expect(unconfirmedPartitions('t', routed, partial).sort()).toEqual([2, 3]);
  });
});
