import { decodeCursor, isAfter, pageOf, positionOf, type TaskPage } from '../listing.js';
import type { TaskStore } from '../seams.js';
import type { TaskRecord } from '../types.js';

interface Entry {
  record: TaskRecord;
  context: string;
  expiresAt: number;
}

/**
 * Task records in a Map. Records are copied on the way in and out, so no caller can mutate stored state;
 * expiry is checked on every read and swept periodically so memory does not grow with finished tasks.
 */
export class MemoryTaskStore implements TaskStore {
  private readonly entries = new Map<string, Entry>();
  /** Task ids by owner, for `listByOwner`; pruned with the entries. */
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

  async insert(record: TaskRecord, context: string): Promise<void> {
    if (this.live(record.taskId)) throw new Error(`Task ${record.taskId} already exists.`);
    this.entries.set(record.taskId, {
      record: structuredClone(record),
      context,
      expiresAt: record.createdAt + record.ttlMs,
    });
    let owned = this.byOwner.get(record.owner);
    if (!owned) {
      owned = new Set();
      this.byOwner.set(record.owner, owned);
    }
    owned.add(record.taskId);
  }

  async get(taskId: string): Promise<TaskRecord | null> {
    const entry = this.live(taskId);
    return entry ? structuredClone(entry.record) : null;
  }

  async getContext(taskId: string): Promise<string | null> {
    return this.live(taskId)?.context ?? null;
  }

  async update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<{ record: TaskRecord; changed: boolean } | null> {
    const entry = this.live(taskId);
    if (!entry) return null;
    const next = change(structuredClone(entry.record));
    if (next === undefined) return { record: structuredClone(entry.record), changed: false };
    entry.record = structuredClone(next);
    return { record: structuredClone(next), changed: true };
  }

  async listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    const after = decodeCursor(page.cursor);
    const records: TaskRecord[] = [];
    for (const taskId of this.byOwner.get(owner) ?? []) {
      const entry = this.live(taskId);
      if (entry && isAfter(positionOf(entry.record), after)) records.push(entry.record);
    }
    records.sort((a, b) => (isAfter(positionOf(a), positionOf(b)) ? 1 : -1));
    return pageOf(
      records.slice(0, page.limit + 1).map((record) => structuredClone(record)),
      page.limit,
    );
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.byOwner.clear();
  }

  private live(taskId: string): Entry | undefined {
    const entry = this.entries.get(taskId);
    if (entry && entry.expiresAt <= Date.now()) {
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
      if (entry.expiresAt <= now) this.forget(taskId, entry);
    }
  }
}
