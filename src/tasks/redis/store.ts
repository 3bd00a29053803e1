import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeCursor, isAfter, pageOf, positionOf, type TaskPage } from '../listing.js';
import {
  type LegEndCarrier,
  matchesQuery,
  type RecentQuery,
  TaskLimitError,
  type TaskLimits,
  type TaskStore,
} from '../seams.js';
import type { TaskRecord } from '../types.js';
import type { RedisKeys } from './keys.js';
import { type ScriptCommands, withScripts } from './scripts.js';
import type { ScriptTransaction } from './transaction.js';

const MAX_CONFLICT_RETRIES = 50;
/** Owner-set entries read per round trip while filling a page. */
const LIST_BATCH = 100;
/**
 * Running tasks this process remembers as last read or written, so its next update is one round trip. Each entry
 * holds a record with its arguments (up to the argument cap), so the bound is kept near a worker's concurrency.
 */
const REMEMBERED = 1_000;
/** Running and ended tasks `listRecent` looks at, each. */
const RECENT_SCAN = 5_000;
/** How long one process's reconciler keeps its turn. */
const CHECK_TURN_MS = 500;

/**
 * Task records as JSON strings: no expiry while the task runs, a real Redis expiry (`PXAT expiresAt`) once it has
 * ended, so nothing about a finished task outlives its retention even if no process is running. The context
 * snapshot is a second key, deleted when the task ends. Every write also announces the change on the events
 * channel, in the same script, so a transition is one round trip.
 */
export class RedisTaskStore implements TaskStore {
  private readonly redis: Redis & ScriptCommands;
  /** Last JSON seen per task: the expected value of the next compare-and-set. */
  private readonly remembered = new Map<string, string>();
  private readonly token = randomBytes(8).toString('hex');

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.redis = withScripts(redis);
  }

  async insert(record: TaskRecord, context: string, limits: TaskLimits = {}): Promise<void> {
    checkInserted(
      record,
      limits,
      await this.redis.taskmcpInsert(...this.insertArgs(record, context, limits)),
    );
  }

  /** Queue the insert on a transaction (see {@link insert}); check its reply with {@link checkInserted}. */
  queueInsert(multi: ScriptTransaction, record: TaskRecord, context: string, limits: TaskLimits): void {
    void multi.script('taskmcpInsert', this.insertArgs(record, context, limits));
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const raw = await this.redis.get(this.keys.task(taskId));
    return raw === null ? null : (JSON.parse(raw) as TaskRecord);
  }

  async load(taskId: string): Promise<{ record: TaskRecord; context: string | null } | null> {
    const [raw, context] = await this.redis.mget(this.keys.task(taskId), this.keys.context(taskId));
    if (raw === null || raw === undefined) return null;
    this.remember(taskId, raw);
    return { record: JSON.parse(raw) as TaskRecord, context: context ?? null };
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
    likely?: TaskRecord,
    carrier?: LegEndCarrier,
  ): Promise<{ record: TaskRecord; changed: boolean } | null> {
    const key = this.keys.task(taskId);
    // Records are stored as JSON.stringify writes them, so the likely record gives the likely stored value.
    let raw = this.remembered.get(taskId) ?? null;
    // The likely record saves parsing it back (it is only read: `change` must not modify its argument).
    let parsed = raw === null ? likely : undefined;
    if (parsed) raw = JSON.stringify(parsed);
    // A remembered value may be stale: it is only trusted for a write, which the script checks.
    let fresh = raw === null;
    if (raw === null) raw = await this.redis.get(key);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      if (raw === null) {
        this.remembered.delete(taskId);
        return null;
      }
      const current = parsed ?? (JSON.parse(raw) as TaskRecord);
      parsed = undefined;
      const next = change(current);
      if (next === undefined) {
        if (fresh) return { record: current, changed: false };
        raw = await this.redis.get(key);
        fresh = true;
        continue;
      }
      const written = JSON.stringify(next);
      const terminal = next.expiresAt !== undefined;
      const keysAndArgs = [
        key,
        this.keys.context(taskId),
        this.keys.live,
        this.keys.expiring,
        this.keys.events,
        raw,
        written,
        taskId,
        next.checkAt ?? '',
        next.expiresAt ?? '',
        `${encodeURIComponent(next.owner)} ${taskId}`,
        JSON.stringify({ type: 'changed', taskId, status: next.status }),
      ];
      // The first write may travel with the end of the leg; a retry after a conflict goes alone.
      const outcome = carrier
        ? await carrier(keysAndArgs)
        : await this.redis.taskmcpCompareAndSet(...keysAndArgs);
      carrier = undefined;
      if (outcome === 1) {
        if (terminal) this.remembered.delete(taskId);
        else this.remember(taskId, written);
        return { record: next, changed: true };
      }
      // Someone else wrote first (or the remembered value was stale): the script answered with the current value
      // (0: the record is gone).
      raw = typeof outcome === 'string' ? outcome : null;
      fresh = true;
    }
    throw new Error(
      `Task ${taskId} is being updated too concurrently; gave up after ${MAX_CONFLICT_RETRIES} attempts.`,
    );
  }

  async listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    const after = decodeCursor(page.cursor);
    const key = this.keys.owner(owner);
    const min = after ? String(after.createdAt) : '-inf';
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
        if (isAfter({ taskId: flat[i]!, createdAt: Number(flat[i + 1]) }, after)) ids.push(flat[i]!);
      }
      const raws = ids.length > 0 ? await this.redis.mget(ids.map((id) => this.keys.task(id))) : [];
      for (const raw of raws) {
        if (raw === null) continue; // expired, not yet pruned from the listing
        const record = JSON.parse(raw) as TaskRecord;
        if (record.owner === owner) records.push(record);
      }
      if (flat.length < LIST_BATCH * 2) break;
    }
    return pageOf(records.slice(0, page.limit + 1), page.limit);
  }

  dueForCheck(now: number, limit: number): Promise<string[]> {
    const { checkLock, live, expiring, ownerPrefix } = this.keys;
    return this.redis.taskmcpDueForCheck(
      checkLock,
      live,
      expiring,
      CHECK_TURN_MS,
      this.token,
      now,
      limit,
      ownerPrefix,
    );
  }

  /**
   * Looks at the `RECENT_SCAN` most recent running tasks and as many recently ended ones (or the owner's listing),
   * newest first.
   */
  async listRecent(query: RecentQuery): Promise<TaskRecord[]> {
    const { live, expiring } = this.keys;
    const ids =
      query.owner === undefined
        ? [
            ...(await this.redis.zrevrange(live, 0, RECENT_SCAN - 1)),
            ...(await this.redis.zrevrange(expiring, 0, RECENT_SCAN - 1)).map((member) =>
              member.slice(member.indexOf(' ') + 1),
            ),
          ]
        : await this.redis.zrevrange(this.keys.owner(query.owner), 0, RECENT_SCAN - 1);
    const matching: TaskRecord[] = [];
    for (let start = 0; start < ids.length; start += LIST_BATCH) {
      const raws = await this.redis.mget(
        ids.slice(start, start + LIST_BATCH).map((id) => this.keys.task(id)),
      );
      for (const raw of raws) {
        if (raw === null) continue;
        const record = JSON.parse(raw) as TaskRecord;
        if (matchesQuery(record, query)) matching.push(record);
      }
    }
    return matching.sort((a, b) => (isAfter(positionOf(a), positionOf(b)) ? -1 : 1)).slice(0, query.limit);
  }

  async close(): Promise<void> {
    // The connection belongs to the engine, which closes it.
    this.remembered.clear();
  }

  /** The insert script's keys and arguments. */
  private insertArgs(record: TaskRecord, context: string, limits: TaskLimits): Array<string | number> {
    return [
      this.keys.task(record.taskId),
      this.keys.context(record.taskId),
      this.keys.owner(record.owner),
      this.keys.live,
      this.keys.expiring,
      JSON.stringify(record),
      context,
      record.taskId,
      record.createdAt,
      record.checkAt ?? '',
      Date.now(),
      limits.perOwner ?? -1,
      limits.total ?? -1,
      this.keys.ownerPrefix,
    ];
  }

  private remember(taskId: string, raw: string): void {
    this.remembered.delete(taskId);
    this.remembered.set(taskId, raw);
    if (this.remembered.size > REMEMBERED) {
      this.remembered.delete(this.remembered.keys().next().value as string);
    }
  }
}

/** Turn the insert script's reply into success or the matching error. */
export function checkInserted(record: TaskRecord, limits: TaskLimits, reply: unknown): void {
  if (reply === 1) return;
  if (reply === -1) throw new TaskLimitError('perOwner', limits.perOwner!);
  if (reply === -2) throw new TaskLimitError('total', limits.total!);
  throw new Error(`Task ${record.taskId} already exists.`);
}
