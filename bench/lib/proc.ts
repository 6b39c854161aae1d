/** Processes under test: starting, waiting, stopping, and what /proc says they used. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds a process has used (0 when it is gone or /proc is unreadable). */
export function processCpu(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A process's resident memory in MiB. */
export function processRssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number((Number(kib ?? 0) / 1024).toFixed(1));
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy since boot. */
export function machineBusy(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/);
    const n = ticks.map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    return (n[0] + n[1] + n[2] + n[5] + n[6] + n[7]) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The MySQL server's pid (mysqld or mariadbd on this machine), found in /proc. */
export function findMysqlPid(): number | undefined {
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm === 'mysqld' || comm === 'mariadbd') return Number(pid);
    }
  } catch {
    // Not Linux, or /proc not readable: MySQL's share stays in "other".
  }
  return undefined;
}

/** A Node process running `args` with `env`, its output on ours. */
export function spawnNode(args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Resolves once 127.0.0.1:`port` answers `path` with 200 (30 s at most). */
export async function waitReady(port: number, path = '/readyz'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not become ready`);
}

/** SIGTERM, then waits for the exit (nothing when it already exited). */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
