import { decodeCursor, isAfter, pageOf, positionOf, type TaskPage } from '../listing.js';
import { matchesQuery, type RecentQuery, TaskLimitError, type TaskLimits, type TaskStore } from '../seams.js';
import type { TaskRecord } from '../types.js';

interface Entry {
  record: TaskRecord;
  /** Dropped when the task ends. */
  context: string | null;
}

/**
 * Task records in a Map. A record is copied once on the way in and deeply frozen, and handed out as it is: no caller
 * can mutate stored state (an attempt throws), and reads cost no copy (a copy per read was 3-4 % of the server's CPU
 * on a task round trip). A record past its `expiresAt` is invisible at once and swept periodically, so memory does
 * not grow with finished tasks.
 */
export class MemoryTaskStore implements TaskStore {
  private readonly entries = new Map<string, Entry>();
  /** Task ids by owner, for `listByOwner` and the per-owner limit; pruned with the entries. */
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: { sweepIntervalMs?: number } = {}) {
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 5_000);
    this.sweeper.unref();
  }

  /** Number of records held (expired ones included until the next sweep); for tests and footprint benchmarks. */
  get size(): number {
    return this.entries.size;
  }

  async insert(record: TaskRecord, context: string, limits: TaskLimits = {}): Promise<void> {
    if (this.live(record.taskId)) throw new Error(`Task ${record.taskId} already exists.`);
    this.checkLimits(record.owner, limits);
    this.entries.set(record.taskId, { record: frozenCopy(record), context });
    let owned = this.byOwner.get(record.owner);
    if (!owned) {
      owned = new Set();
      this.byOwner.set(record.owner, owned);
    }
    owned.add(record.taskId);
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const entry = this.live(taskId);
    return entry ? entry.record : null;
  }

  async load(taskId: string): Promise<{ record: TaskRecord; context: string | null } | null> {
    const entry = this.live(taskId);
    return entry ? { record: entry.record, context: entry.context } : null;
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
    // The stored record is at hand: no read to save.
    _likely?: TaskRecord,
  ): Promise<{ record: TaskRecord; changed: boolean } | null> {
    const entry = this.live(taskId);
    if (!entry) return null;
    const next = change(entry.record);
    if (next === undefined) return { record: entry.record, changed: false };
    entry.record = frozenCopy(next);
    if (next.expiresAt !== undefined) entry.context = null;
    return { record: entry.record, changed: true };
  }

  async listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    const after = decodeCursor(page.cursor);
    const records: TaskRecord[] = [];
    for (const taskId of this.byOwner.get(owner) ?? []) {
      const entry = this.live(taskId);
      if (entry && isAfter(positionOf(entry.record), after)) records.push(entry.record);
    }
    records.sort((a, b) => (isAfter(positionOf(a), positionOf(b)) ? 1 : -1));
    return pageOf(records.slice(0, page.limit + 1), page.limit);
  }

  async dueForCheck(now: number, limit: number): Promise<string[]> {
    const due: TaskRecord[] = [];
    for (const { record } of this.entries.values()) {
      if (record.checkAt !== undefined && record.checkAt <= now) due.push(record);
    }
    return due
      .sort((a, b) => a.checkAt! - b.checkAt!)
      .slice(0, limit)
      .map((record) => record.taskId);
  }

  async listRecent(query: RecentQuery): Promise<TaskRecord[]> {
    const matching: TaskRecord[] = [];
    for (const taskId of query.owner === undefined
      ? this.entries.keys()
      : (this.byOwner.get(query.owner) ?? [])) {
      const entry = this.live(taskId);
      if (entry && matchesQuery(entry.record, query)) matching.push(entry.record);
    }
    return matching.sort((a, b) => (isAfter(positionOf(a), positionOf(b)) ? -1 : 1)).slice(0, query.limit);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.byOwner.clear();
  }

  private checkLimits(owner: string, limits: TaskLimits): void {
    const { perOwner, total } = limits;
    if (perOwner !== undefined && (this.byOwner.get(owner)?.size ?? 0) >= perOwner) {
      // Count only what is still live before refusing.
      for (const taskId of [...(this.byOwner.get(owner) ?? [])]) this.live(taskId);
      if ((this.byOwner.get(owner)?.size ?? 0) >= perOwner) throw new TaskLimitError('perOwner', perOwner);
    }
    if (total !== undefined && this.entries.size >= total) {
      this.sweep();
      if (this.entries.size >= total) throw new TaskLimitError('total', total);
    }
  }

  private live(taskId: string): Entry | undefined {
    const entry = this.entries.get(taskId);
    const expiresAt = entry?.record.expiresAt;
    if (entry && expiresAt !== undefined && expiresAt <= Date.now()) {
      this.forget(taskId, entry);
      return undefined;
    }
    return entry;
  }

  private forget(taskId: string, entry: Entry): void {
    this.entries.delete(taskId);
    const owned = this.byOwner.get(entry.record.owner);
    owned?.delete(taskId);
    if (owned?.size === 0) this.byOwner.delete(entry.record.owner);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [taskId, entry] of this.entries) {
      const { expiresAt } = entry.record;
      if (expiresAt !== undefined && expiresAt <= now) this.forget(taskId, entry);
    }
  }
}

/** A deep copy of `record` that nothing can change. */
function frozenCopy(record: TaskRecord): TaskRecord {
  return deepFreeze(structuredClone(record));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
