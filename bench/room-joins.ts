/** The join phase of `npm run bench:room` (see room.bench.ts): the floor, then the joins. */
import type { AppRedis } from '../src/clients/redis';
import { processCpu } from './lib/proc';
import { JOIN, gql, pool, redisCpuSeconds, solve, type Challenge } from './room-helpers';

const CLIENTS = 64;

/** CPU ms per member of the API, Redis and this process (the clients) over `fn`, and its time. */
async function measured(
  apiPid: number | undefined,
  redis: AppRedis,
  n: number,
  fn: () => Promise<void>,
) {
  const api = processCpu(apiPid);
  const redisCpu = await redisCpuSeconds(redis);
  const clients = process.cpuUsage();
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(clients);
  const perMember = (s: number) => Number(((s * 1000) / n).toFixed(3));
  return {
    seconds,
    cpuMs: {
      api: perMember(processCpu(apiPid) - api),
      redis: perMember((await redisCpuSeconds(redis)) - redisCpu),
      clients: perMember((used.user + used.system) / 1e6),
    },
  };
}

/**
 * `members` join the room of `productId`, 64 clients at a time, while the watchers watch. First the
 * floor: two authenticated `{ __typename }` requests per member, the least two requests can cost.
 * Then the join's own two requests, apart: every member asks for a challenge, solves it (their
 * device's work: here this process, timed on its own), then sends the proof, which the API checks
 * (signature, solution, expiry, member and product) and spends in room-join.lua. Joins/s counts the
 * two requests; solving is reported beside it, as it is each member's own CPU.
 */
export async function joinPhase(
  port: number,
  productId: number,
  members: { token: string }[],
  redis: AppRedis,
  apiPid: number | undefined,
) {
  const n = members.length;
  const id = String(productId);
  const floor = await measured(apiPid, redis, n, () =>
    pool(members, CLIENTS, async (m) => {
      await gql(port, '{ __typename }', {}, m.token);
      await gql(port, '{ __typename }', {}, m.token);
    }),
  );
  const challenges = new Map<string, Challenge>();
  const asked = await measured(apiPid, redis, n, () =>
    pool(members, CLIENTS, async (m) => {
      const c = (await gql(port, JOIN, { i: { productId: id } }, m.token)).data?.joinWaitingRoom
        ?.challenge;
      if (!c) throw new Error('no challenge for a new member');
      challenges.set(m.token, c);
    }),
  );
  const proofs = new Map<string, string>();
  const solving = await measured(apiPid, redis, n, async () => {
    for (const m of members) proofs.set(m.token, solve(challenges.get(m.token)!));
  });
  const outcomes = new Map<string, number>();
  const proved = await measured(apiPid, redis, n, () =>
    pool(members, CLIENTS, async (m) => {
      const r = await gql(
        port,
        JOIN,
        { i: { productId: id, proof: proofs.get(m.token) } },
        m.token,
      );
      const kind = r.data?.joinWaitingRoom?.__typename ?? 'error';
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    }),
  );
  const joinSeconds = asked.seconds + proved.seconds;
  const floorPerSecond = n / floor.seconds;
  const sum = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(a).map((k) => [k, Number((a[k]! + b[k]!).toFixed(3))]));
  return {
    joinsPerSecond: Math.round(n / joinSeconds),
    floorPerSecond: Math.round(floorPerSecond),
    ofFloor: Number((n / joinSeconds / floorPerSecond).toFixed(3)),
    outcomes: Object.fromEntries(outcomes),
    joinCpuMs: sum(asked.cpuMs, proved.cpuMs),
    floorCpuMs: floor.cpuMs,
    challengeCpuMs: asked.cpuMs,
    proofCpuMs: proved.cpuMs,
    solvingMsPerMember: Number(((solving.seconds * 1000) / n).toFixed(3)),
  };
}
