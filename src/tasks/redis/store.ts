import type { Redis } from 'ioredis';
import { decodeCursor, isAfter, pageOf, type TaskPage } from '../listing.js';
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

/**
 * Insert a task: the record (only if new), its context, and its entry in the owner's listing, all expiring with the
 * task. The listing is a sorted set scored by expiry, so expired entries are trimmed by score on every insert and
 * the set itself expires with the owner's longest-lived task: nothing outlives the TTLs even with no process running.
 * KEYS: record, context, owner set. ARGV: record JSON, context, expiresAt, taskId, now (all ms).
 */
const INSERT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3], 'NX') then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PXAT', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) - tonumber(ARGV[5]) then
  redis.call('PEXPIREAT', KEYS[3], ARGV[3])
end
return 1`;

const MAX_CONFLICT_RETRIES = 50;
/** Owner-set entries read per round trip while filling a page. */
const LIST_BATCH = 100;

/** The scripts as commands on the connection: ioredis sends them as EVALSHA (the source only once per server). */
interface ScriptCommands {
  taskmcpCompareAndSet(key: string, expected: string, next: string): Promise<number>;
  taskmcpInsert(...keysThenArgs: Array<string | number>): Promise<number>;
}

function withScripts(redis: Redis): Redis & ScriptCommands {
  const scripted = redis as Redis & Partial<ScriptCommands>;
  if (!scripted.taskmcpCompareAndSet)
    redis.defineCommand('taskmcpCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
  if (!scripted.taskmcpInsert) redis.defineCommand('taskmcpInsert', { numberOfKeys: 3, lua: INSERT });
  return redis as Redis & ScriptCommands;
}

/**
 * Task records as JSON strings with a real Redis expiry (`PXAT createdAt + ttlMs`), so nothing about a task outlives
 * its TTL even if no process is running. The context snapshot is a second key with the same expiry.
 */
export class RedisTaskStore implements TaskStore {
  private readonly redis: Redis & ScriptCommands;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.redis = withScripts(redis);
  }

  async insert(record: TaskRecord, context: string): Promise<void> {
    const expiresAt = record.createdAt + record.ttlMs;
    const created = await this.redis.taskmcpInsert(
      this.keys.task(record.taskId),
      this.keys.context(record.taskId),
      this.keys.owner(record.owner),
      JSON.stringify(record),
      context,
      expiresAt,
      record.taskId,
      Date.now(),
    );
    if (created !== 1) throw new Error(`Task ${record.taskId} already exists.`);
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
      const outcome = await this.redis.taskmcpCompareAndSet(key, raw, written);
      if (outcome === 1) return { record: next, changed: true };
      if (outcome === -1) return null; // expired between the read and the write
      // Someone else wrote first: read again and re-apply the change to their version.
    }
    throw new Error(
      `Task ${taskId} is being updated too concurrently; gave up after ${MAX_CONFLICT_RETRIES} attempts.`,
    );
  }

  async listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    const after = decodeCursor(page.cursor);
    const key = this.keys.owner(owner);
    // Entries at or below now are expired tasks the next insert trims; start above them (or at the cursor).
    const now = Date.now();
    const min = after && after.expiresAt > now ? String(after.expiresAt) : `(${now}`;
    const records: TaskRecord[] = [];
    for (let offset = 0; records.length <= page.limit; offset += LIST_BATCH) {
      const flat = await this.redis.zrangebyscore(
        key,
        min,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        LIST_BATCH,
      );
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        if (isAfter({ taskId: flat[i]!, expiresAt: Number(flat[i + 1]) }, after)) ids.push(flat[i]!);
      }
      const raws = ids.length > 0 ? await this.redis.mget(ids.map((id) => this.keys.task(id))) : [];
      for (const raw of raws) {
        if (raw === null) continue; // expired since the range was read
        const record = JSON.parse(raw) as TaskRecord;
        if (record.owner === owner) records.push(record);
      }
      if (flat.length < LIST_BATCH * 2) break;
    }
    return pageOf(records.slice(0, page.limit + 1), page.limit);
  }

  async close(): Promise<void> {
    // The connection belongs to the engine, which closes it.
  }
}
