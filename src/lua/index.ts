import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';

/**
 * Every Lua script, by command name. ioredis runs each with EVALSHA and reloads it on NOSCRIPT.
 * Every key a script touches arrives through KEYS, so the key prefix and Redis Cluster slots hold.
 */
const SCRIPTS: Record<string, { file: string; keys: number }> = {};

/** Typed signatures of the registered scripts; see each .lua file's header. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ScriptCommands {}

export function registerScripts<R extends Redis>(redis: R): R & ScriptCommands {
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: keys, lua: readFileSync(join(__dirname, file), 'utf8') });
  }
  return redis as R & ScriptCommands;
}
