import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/**
 * Every Lua script, by command name. ioredis runs each with EVALSHA and reloads it on NOSCRIPT.
 * Every key a script touches arrives through KEYS, so the key prefix and Redis Cluster slots hold.
 */
const SCRIPTS: Record<string, { file: string; keys?: number }> = {
  // Variable key counts (one group of keys per product): the caller passes numkeys first.
  saleReserve: { file: 'reserve.lua' },
  salePay: { file: 'pay.lua' },
  salePayClaim: { file: 'pay-claim.lua', keys: 1 },
  saleRelease: { file: 'release.lua' },
  saleSettleWritten: { file: 'settle-written.lua' },
  saleMeta: { file: 'sale-meta.lua', keys: 3 },
  stockRebuild: { file: 'stock-rebuild.lua', keys: 5 },
  stockAdjust: { file: 'stock-adjust.lua', keys: 2 },
  stockFrame: { file: 'stock-frame.lua', keys: 6 },
  counterAdd: { file: 'counter-add.lua', keys: 1 },
  roomTick: { file: 'room-tick.lua', keys: 8 },
  roomJoin: { file: 'room-join.lua', keys: 7 },
  roomLeave: { file: 'room-leave.lua', keys: 3 },
  memberGate: { file: 'member-gate.lua', keys: 3 },
  dropLifecycle: { file: 'drop-lifecycle.lua', keys: 1 },
};

/**
 * Scripts whose key count comes first in their arguments. ioredis' auto-pipelining picks a
 * cluster node by the first argument, which for these is the count, not a key.
 */
export const VARIABLE_KEY_SCRIPTS = Object.entries(SCRIPTS)
  .filter(([, script]) => script.keys === undefined)
  .map(([name]) => name);

/** Typed signatures of the registered scripts; see each .lua file's header. */
export interface ScriptCommands {
  /** reserve.lua: `saleReserve(numkeys, ...keys, ...argv)`. */
  saleReserve(numKeys: number, ...args: (string | number)[]): Promise<(string | number)[]>;
  /** pay.lua: `salePay(numkeys, ...keys, ...argv)`. */
  salePay(numKeys: number, ...args: (string | number)[]): Promise<string[]>;
  /** pay-claim.lua: `salePayClaim(reservation, userId, paymentId, leaseMs, mode)`; a claim's
   * reply ends with the record's fields (HGETALL). */
  salePayClaim(
    reservation: string,
    userId: number,
    paymentId: string,
    leaseMs: number,
    mode: 'claim' | 'unclaim',
  ): Promise<(string | number | string[])[]>;
  /** release.lua: `saleRelease(numkeys, ...keys, ...argv)`. */
  saleRelease(numKeys: number, ...args: (string | number)[]): Promise<(string | number)[]>;
  /** settle-written.lua: `saleSettleWritten(numkeys, paidqty, ...records, keepMs, n, ...ids, ...orderIds)`. */
  saleSettleWritten(numKeys: number, ...args: (string | number)[]): Promise<number>;
  /** counter-add.lua: the new value, -1 when the counter is missing, -2 when `guard` refused. */
  counterAdd(counter: string, delta: number, guard?: '1'): Promise<number>;
  /** room-tick.lua: 8 keys, then mode, tickMs, channel, publish command, productId. */
  roomTick(...args: (string | number)[]): Promise<(string | number)[]>;
  /** room-join.lua: 7 keys, then member, proof ('need' | 'skip' | used-proof ms), entry id. */
  roomJoin(...args: (string | number)[]): Promise<(string | number)[]>;
  /** room-leave.lua: 3 keys, then member; the ticket left or 0. */
  roomLeave(...args: (string | number)[]): Promise<number>;
  /** member-gate.lua: 3 keys, then mode, reservationId, hold end ms, cap, rate points, window ms,
   * fingerprint, key record ms. */
  memberGate(...args: (string | number)[]): Promise<(string | number)[]>;
  /** sale-meta.lua: 1 or 0 when written, -1 when the version moved since the load read it. */
  saleMeta(
    meta: string,
    bought: string,
    metaVersion: string,
    ...argv: (string | number)[]
  ): Promise<number>;
  /** drop-lifecycle.lua: the announced frame's JSON, or null when nothing changed. */
  dropLifecycle(
    lifecycle: string,
    state: string,
    frame: string,
    event: string,
  ): Promise<string | null>;
  stockRebuild(
    stock: string,
    holdQty: string,
    paidQty: string,
    adjusting: string,
    adjustSeq: string,
    ...argv: (string | number)[]
  ): Promise<number>;
  /** stock-adjust.lua: begin/end an adjustment (the new sequence), or read the sequence (-1 while one is in flight). */
  stockAdjust(
    adjusting: string,
    adjustSeq: string,
    mode: 'begin' | 'end' | 'read',
    ttlMs?: number,
  ): Promise<number>;
  /** stock-frame.lua: a number in 'frame' mode, the current frame's JSON in 'snapshot' mode. */
  stockFrame(
    stock: string,
    meta: string,
    lock: string,
    last: string,
    version: string,
    holdQty: string,
    frameMs: number,
    channel: string,
    productId: number,
    mode: 'frame' | 'snapshot',
    publish: 'PUBLISH' | 'SPUBLISH',
    ...window: (string | number)[]
  ): Promise<number | string>;
}

export function registerScripts<R extends Redis | Cluster>(redis: R): R & ScriptCommands {
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, {
      ...(keys === undefined ? {} : { numberOfKeys: keys }),
      lua: readFileSync(join(__dirname, file), 'utf8'),
    });
  }
  return redis as R & ScriptCommands;
}
