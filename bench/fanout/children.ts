/** The fan-out benchmark's child processes: app roles, and forked watchers' clients and bare servers. */
import { fork, type ChildProcess } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../fixtures';
import { benchFile, MAIN_JS } from '../lib/paths';
import { spawnNode } from '../lib/proc';
import { env, PORT, SOCKETS_PER_ADDRESS } from './settings';

/** The app in `role` on `port`, with the benchmark's environment. */
export function startRole(
  role: string,
  port: number,
  extra: Record<string, string> = {},
): ChildProcess {
  return spawnNode([...SERVER_NODE_FLAGS, MAIN_JS], {
    ...process.env,
    ...env,
    APP_ROLE: role,
    HTTP_PORT: String(port),
    ...extra,
  });
}

/** Sends a command to a forked helper and waits for its answer. */
export function ask<T>(child: ChildProcess, msg: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { cmd: string }) => {
      if (m.cmd !== answer) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.send(msg);
  });
}

/** A watchers' client or a bare server: the benchmark's own entry point in that mode. */
export function helper(mode: 'watchers' | 'bare', barePort = 0): ChildProcess {
  return fork(benchFile('fanout.bench.js'), [mode], {
    env: { ...process.env, BENCH_PORT: String(PORT), BARE_PORT: String(barePort) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
}

/**
 * Loopback source addresses for `n` sockets, never handed out twice in one run: a closed
 * client socket keeps its port in TIME_WAIT for a minute, so the next phase starts on fresh ones.
 */
let nextAddress = 0;
export function sourceAddresses(n: number): string[] {
  return Array.from({ length: Math.max(1, Math.ceil(n / SOCKETS_PER_ADDRESS)) }, () => {
    const c = nextAddress++;
    return `127.0.${Math.floor(c / 250)}.${1 + (c % 250)}`;
  });
}
