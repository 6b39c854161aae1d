import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../../src/config';

const run = promisify(execFile);
const SERVICES = join(__dirname, '../../scripts/services.sh');

/**
 * The three-node KRaft cluster of `services.sh start --kafka-cluster`: a test that kills a broker
 * refuses to run on anything smaller, rather than proving nothing on a single broker.
 */
export function expectKafkaCluster(config: Config): void {
  if (config.kafka.brokers.length < 3 || config.kafka.replicationFactor !== 3) {
    throw new Error(
      `this test needs the three-broker cluster with replication factor 3 (npm run test:cluster); ` +
        `KAFKA_BROKERS=${config.kafka.brokers.join(',')}, ` +
        `KAFKA_REPLICATION_FACTOR=${config.kafka.replicationFactor}`,
    );
  }
}

/** Partition → leader node id, and the in-sync replicas, of one topic. */
export async function topicLeaders(
  config: Config,
  topic: string,
): Promise<{ partition: number; leader: number; isr: number[]; replicas: number[] }[]> {
  const admin = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      isr: p.isr,
      replicas: p.replicas,
    }));
  } finally {
    await admin.disconnect();
  }
}

/** The node that leads the most partitions of `topic` (services.sh numbers nodes by node id). */
export async function busiestLeader(config: Config, topic: string): Promise<number> {
  const counts = new Map<number, number>();
  for (const { leader } of await topicLeaders(config, topic))
    counts.set(leader, (counts.get(leader) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/** SIGKILL of cluster node `node` (1..3): no shutdown, no flush. */
export async function killKafkaNode(node: number): Promise<void> {
  await run('bash', [SERVICES, 'kill-kafka-node', String(node)]);
}

/** Starts cluster node `node` again on its data dir; resolves once it serves clients. */
export async function startKafkaNode(node: number): Promise<void> {
  await run('bash', [SERVICES, 'start-kafka-node', String(node)], { timeout: 120_000 });
}
