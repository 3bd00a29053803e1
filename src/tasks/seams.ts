/**
 * The three seams a task engine is built from. Each has an in-memory implementation (the zero-config default)
 * and a Redis one; one contract test suite runs against every implementation.
 */
import type { TaskPage } from './listing.js';
import type { TaskRecord, TaskStatus } from './types.js';

/** Durable storage for task records and their context snapshots. */
export interface TaskStore {
  /**
   * Store a new record and its serialised caller context. Resolves only once the record is durable: a `get` from
   * any process that shares this store will find it. Both expire at `createdAt + ttlMs`.
   */
  insert(record: TaskRecord, context: string): Promise<void>;
  /** The record, or `null` when it never existed or has expired. */
  get(taskId: string): Promise<TaskRecord | null>;
  /** The context snapshot stored with the record, or `null`. */
  getContext(taskId: string): Promise<string | null>;
  /**
   * Atomic read-modify-write. `change` receives the current record and returns the replacement, or `undefined`
   * to leave it untouched; it may be called more than once under contention, so it must be pure.
   * Resolves to the record as stored afterwards and whether it changed, or `null` when there is no such task.
   */
  update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
  ): Promise<{ record: TaskRecord; changed: boolean } | null>;
  /**
   * One page of the live tasks of `owner`, in listing order (see `listing.ts`), starting after `cursor`; at most
   * `limit` records. Throws `InvalidCursorError` for a cursor that is not one of its own.
   */
  listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage>;
  close(): Promise<void>;
}

/** Cross-process notifications about tasks. Delivery is best effort; state always lives in the store. */
export type TaskEvent =
  /** The record changed (status, progress, input); listeners re-read the store. */
  | { type: 'changed'; taskId: string; status: TaskStatus }
  /** Stop the running handler of this task, wherever it runs. */
  | { type: 'cancel'; taskId: string };

export interface TaskEventBus {
  publish(event: TaskEvent): Promise<void>;
  /** Resolves once the subscription is live, so no event published afterwards is missed. */
  subscribe(listener: (event: TaskEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One unit of work on the queue: an attempt of a leg of a task. */
export interface QueuedLeg {
  taskId: string;
  leg: number;
  attempt: number;
}

/** Hands legs to whichever process consumes the queue, at most `concurrency` at a time per consumer. */
export interface TaskQueue {
  /**
   * Resolves once the leg is durably queued. `redelivery` marks a leg handed back by a worker that is shutting down
   * (its earlier delivery may still be settling, so it needs a distinct identity in the queue).
   */
  enqueue(job: QueuedLeg, options?: { delayMs?: number; redelivery?: boolean }): Promise<void>;
  /** Drop this leg if it has not started yet (best effort; the engine also re-checks the record on start). */
  remove(job: QueuedLeg): Promise<void>;
  /** Start taking legs. `process` resolves once the leg is fully handled. */
  consume(process: (job: QueuedLeg) => Promise<void>, options: { concurrency: number }): Promise<void>;
  /** Stop taking legs and wait for the ones in flight to settle; legs still queued stay queued (if durable). */
  close(): Promise<void>;
}
