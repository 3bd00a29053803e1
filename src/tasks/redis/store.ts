import type { Redis } from 'ioredis';
import type { TaskStore } from '../seams.js';
import type { TaskRecord } from '../types.js';
import type { RedisKeys } from './keys.js';

/**
 * Compare-and-set on one key: replace the value only if it is still exactly what the caller read, keeping the
 * key's expiry. Optimistic concurrency without WATCH, which would need one connection per concurrent update.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

const MAX_CONFLICT_RETRIES = 50;

/**
 * Task records as JSON strings with a real Redis expiry (`PXAT createdAt + ttlMs`), so nothing about a task outlives
 * its TTL even if no process is running. The context snapshot is a second key with the same expiry.
 */
export class RedisTaskStore implements TaskStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async insert(record: TaskRecord, context: string): Promise<void> {
    const expiresAt = record.createdAt + record.ttlMs;
    const [[recordError, created] = [], [contextError] = []] =
      (await this.redis
        .multi()
        .set(this.keys.task(record.taskId), JSON.stringify(record), 'PXAT', expiresAt, 'NX')
        .set(this.keys.context(record.taskId), context, 'PXAT', expiresAt)
        .exec()) ?? [];
    if (recordError) throw recordError;
    if (contextError) throw contextError;
    if (created !== 'OK') throw new Error(`Task ${record.taskId} already exists.`);
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const raw = await this.redis.get(this.keys.task(taskId));
    return raw === null ? null : (JSON.parse(raw) as TaskRecord);
  }

  getContext(taskId: string): Promise<string | null> {
    return this.redis.get(this.keys.context(taskId));
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<{ record: TaskRecord; changed: boolean } | null> {
    const key = this.keys.task(taskId);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const raw = await this.redis.get(key);
      if (raw === null) return null;
      const current = JSON.parse(raw) as TaskRecord;
      const next = change(structuredClone(current));
      if (next === undefined) return { record: current, changed: false };
      const written = JSON.stringify(next);
      const outcome = (await this.redis.eval(COMPARE_AND_SET, 1, key, raw, written)) as number;
      if (outcome === 1) return { record: next, changed: true };
      if (outcome === -1) return null; // expired between the read and the write
      // Someone else wrote first: read again and re-apply the change to their version.
    }
    throw new Error(
      `Task ${taskId} is being updated too concurrently; gave up after ${MAX_CONFLICT_RETRIES} attempts.`,
    );
  }

  async close(): Promise<void> {
    // The connection belongs to the engine, which closes it.
  }
}
