/** What both load benchmarks share: keep-alive GraphQL posts and members written straight to MySQL. */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { withKafkaAdmin } from '../src/clients/kafka';
import type { Config } from '../src/config';
import { Role } from '../src/entities/user.entity';
import type { TokenService } from '../src/services/members/token.service';

/** The Node flags the app is deployed with (`npm start`, the Dockerfile): servers under test use them too. */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/** POSTs a GraphQL body to 127.0.0.1:`port` as the token's member; resolves with time and body. */
export function postGraphql(
  agent: http.Agent,
  port: number,
  body: string,
  token: string,
): Promise<{ ms: number; json: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            ms: performance.now() - started,
            json: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `n` verified members with a session each, written in batches of 1,000, and their access tokens. */
export async function createBenchMembers(
  db: Connection,
  tokens: TokenService,
  n: number,
  emailLetter: string,
): Promise<{ userId: number; token: string }[]> {
  const members: { userId: number; token: string }[] = [];
  const tag = randomUUID().slice(0, 8);
  for (let start = 0; start < n; start += 1000) {
    const emails = Array.from(
      { length: Math.min(1000, n - start) },
      (_, i) => `${emailLetter}${start + i}.${tag}@bench.test`,
    );
    await db.query(
      `insert into users (created_at, updated_at, email, password_hash, name, role, email_verified_at) values ?`,
      [emails.map((e) => [new Date(), new Date(), e, 'x', 'Bench', Role.USER, new Date()])],
    );
    const [rows] = await db.query<RowDataPacket[]>(
      'select id from users where email in (?) order by id',
      [emails],
    );
    const sessions = rows.map(
      (r) => [randomUUID(), r.id as number, new Date(), new Date(Date.now() + 86400_000)] as const,
    );
    await db.query('insert into sessions (id, user_id, created_at, expires_at) values ?', [
      sessions,
    ]);
    for (const [sid, userId] of sessions)
      members.push({ userId, token: tokens.signAccess(userId, Role.USER, sid).token });
  }
  return members;
}

/**
 * Deletes the Kafka topics a benchmark's servers made (every name under its prefix). Each run
 * uses new topics, and a broker that keeps hundreds of old ones spends measurably more CPU per
 * event, which the next run would count as its own.
 */
export async function deleteBenchTopics(config: Config['kafka']): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-cleanup',
    brokers: config.brokers,
    logLevel: logLevel.NOTHING,
  });
  await withKafkaAdmin(kafka, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
  });
}
