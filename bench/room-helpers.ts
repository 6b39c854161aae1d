/** Shared pieces of `npm run bench:room`: HTTP GraphQL, the proof of work, processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { postGraphql, SERVER_NODE_FLAGS } from './fixtures';

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
export const JOIN = `mutation($i: JoinWaitingRoomInput!) { joinWaitingRoom(input: $i) { __typename
  ... on ChallengeRequired { challenge { algorithm challenge salt signature maxNumber } } } }`;
export const BUY = `mutation($i: PurchaseInput!) { purchase(input: $i) { __typename ... on Reservation { id } } }`;
export const PAY = `mutation($i: PayInput!) { pay(input: $i) { __typename } }`;
export const gql = async (port: number, query: string, variables: object, token: string) =>
  JSON.parse(
    (await postGraphql(agent, port, JSON.stringify({ query, variables }), token)).json,
  ) as {
    data?: Record<string, { __typename: string; id?: string; challenge?: Challenge }>;
  };
export interface Challenge {
  algorithm: string;
  challenge: string;
  salt: string;
  signature: string;
  maxNumber: number;
}
export const pct = (xs: number[], p: number) =>
  xs.length
    ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
    : null;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export type AddProduct = (
  stock: number,
  startsAt: Date | null,
  limit: number,
  room: { preQueue: boolean; hold: number; admission: number } | null,
) => Promise<number>;

export function solve(c: Challenge): string {
  for (let n = 0; n <= c.maxNumber; n++)
    if (
      createHash('sha256')
        .update(c.salt + n)
        .digest('hex') === c.challenge
    )
      return Buffer.from(
        JSON.stringify({
          algorithm: c.algorithm,
          challenge: c.challenge,
          number: n,
          salt: c.salt,
          signature: c.signature,
        }),
      ).toString('base64');
  throw new Error('unsolvable challenge');
}

export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export function startRole(
  env: Record<string, string>,
  role: string,
  port: number,
  extra: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, [...SERVER_NODE_FLAGS, join(__dirname, '../src/main.js')], {
    env: { ...process.env, ...env, APP_ROLE: role, HTTP_PORT: String(port), ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) =>
      http
        .get(
          { host: '127.0.0.1', port, path: '/readyz' },
          (r) => (r.resume(), resolve(r.statusCode === 200)),
        )
        .on('error', () => resolve(false)),
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`server on ${port} did not become ready`);
}

export function ask<T>(child: ChildProcess, msg: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { cmd: string }) =>
      m.cmd === answer && (child.off('message', on), resolve(m as T));
    child.on('message', on);
    child.send(msg);
  });
}

/** Redis's own CPU seconds (INFO cpu: used_cpu_sys + used_cpu_user). */
export async function redisCpuSeconds(redis: { info(section: string): Promise<string> }) {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}
