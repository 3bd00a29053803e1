/**
 * The benchmarks' Redis: one database of its own (default `redis://127.0.0.1:6379/14`, override with
 * `BENCH_REDIS_URL`). It is flushed between runs, so it must never be a database anything else uses.
 */
import { Redis } from 'ioredis';

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

export function connectRedis(): Redis {
  // BullMQ workers need maxRetriesPerRequest: null on connections they block on; harmless elsewhere.
  return new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
}

/** FLUSHDB on the bench database only (never FLUSHALL: other databases on this server belong to others). */
export async function flushBenchDb(redis: Redis): Promise<void> {
  await redis.flushdb();
}

export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

/**
 * Bytes Redis attributes to every key of the bench database (SCAN + MEMORY USAGE with full sampling). Unlike
 * `used_memory`, this is not disturbed by other databases on the same server, which other processes use meanwhile.
 */
export async function databaseBytes(redis: Redis): Promise<DatabaseBytes> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  const groups: DatabaseBytes['groups'] = {};
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      const usage = ((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null) ?? 0;
      keys++;
      bytes += usage;
      const name = keyGroup(key);
      const group = groups[name] ?? { keys: 0, bytes: 0 };
      groups[name] = group;
      group.keys++;
      group.bytes += usage;
    }
  } while (cursor !== '0');
  return { keys, bytes, groups };
}

export interface DatabaseBytes {
  keys: number;
  bytes: number;
  /** Per key pattern (ids replaced by `*`), to show where the bytes go. */
  groups: Record<string, { keys: number; bytes: number }>;
}

/** `taskmcp:{bench}:task:t3x…` → `taskmcp:{bench}:task:*`; `bull:bench:17` → `bull:bench:*`. */
function keyGroup(key: string): string {
  return key
    .split(':')
    .map((part) => (/^\d+$/.test(part) || /^t[A-Za-z0-9_-]{20,}$/.test(part) ? '*' : part))
    .join(':');
}
