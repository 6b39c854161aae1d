/** The load generator: blasts of requests, and the CPU each process spent on them. */
import { postGraphql } from '../fixtures';
import { findMysqlPid, machineBusy, processCpu } from '../lib/proc';
import { agent, PORT, running } from './context';

/** CPU seconds used so far by each process on the machine that takes part in a run. */
interface CpuSnapshot {
  api: number;
  worker: number;
  redis: number;
  mysql: number;
  loadGenerator: number;
  machineBusy: number;
}

const mysqlPid = findMysqlPid();

export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const info = (await running.redis?.info('cpu')) ?? '';
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  const own = process.cpuUsage();
  return {
    api: processCpu(running.servers[0]?.pid),
    worker: processCpu(running.servers[1]?.pid),
    redis: field('used_cpu_user') + field('used_cpu_sys'),
    mysql: processCpu(mysqlPid),
    loadGenerator: (own.user + own.system) / 1e6,
    machineBusy: machineBusy(),
  };
}

/** CPU milliseconds per request of each process between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  const per = (k: keyof CpuSnapshot) =>
    Number((((after[k] - before[k]) * 1000) / requests).toFixed(3));
  const api = per('api');
  const worker = per('worker');
  const redis = per('redis');
  const mysql = per('mysql');
  const loadGenerator = per('loadGenerator');
  const machine = per('machineBusy');
  return {
    api,
    worker,
    redis,
    mysql,
    loadGenerator,
    other: Number(Math.max(0, machine - api - worker - redis - mysql - loadGenerator).toFixed(3)),
    machine,
  };
}

/** Fires every request at once (bounded by the agent's sockets); returns latencies and bodies. */
export async function blast(bodies: { body: string; token: string }[], via = agent) {
  const cpuBefore = await cpuSnapshot();
  const started = performance.now();
  const results = await Promise.all(bodies.map((b) => postGraphql(via, PORT, b.body, b.token)));
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerRequest = cpuPerRequest(cpuBefore, await cpuSnapshot(), results.length);
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p: number) =>
    Number(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1));
  return {
    results,
    seconds: Number(seconds.toFixed(3)),
    rps: Math.round(results.length / seconds),
    latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(0.9999) },
    cpuMsPerRequest,
  };
}

export type Blast = Awaited<ReturnType<typeof blast>>;

/** A client's milliseconds per request, when `clients` send one request at a time each and reach `rps`. */
export const cycleOf = (clients: number, rps: number) => (clients * 1000) / rps;
