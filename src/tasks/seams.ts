/**
 * The three seams a task engine is built from. Each has an in-memory implementation (the zero-config default)
 * and a Redis one; one contract test suite runs against every implementation.
 */
import type { TaskPage } from './listing.js';
import type { TaskRecord, TaskStatus } from './types.js';

/** Bounds on the tasks a store keeps (live and retained), checked when a task is inserted. */
export interface TaskLimits {
  /** Tasks one principal may have at once. */
  perOwner?: number;
  /** Tasks of this server at once, all principals together. */
  total?: number;
}

/**
 * Durable storage for task records and their context snapshots.
 *
 * Retention follows the record: a record with no `expiresAt` (a task that has not ended) is never removed; once a
 * write sets `expiresAt`, the record is gone from then on, and its context snapshot is dropped at once (a finished
 * task needs no credentials). Non-terminal records are indexed by `checkAt` for {@link TaskStore.dueForCheck}.
 * A record a store returns may be its own, frozen (the memory store's): read it, copy it to change it.
 */
export interface TaskStore {
  /**
   * Store a new record and its serialised caller context. Resolves only once the record is durable: a `get` from
   * any process that shares this store will find it. Throws {@link TaskLimitError} when `limits` are reached.
   */
  insert(record: TaskRecord, context: string, limits?: TaskLimits): Promise<void>;
  /** The record, or `null` when it never existed or has expired. */
  get(taskId: string): Promise<TaskRecord | null>;
  /** The record and its context snapshot in one read (the context is `null` once the task has ended). */
  load(taskId: string): Promise<{ record: TaskRecord; context: string | null } | null>;
  /**
   * Atomic read-modify-write. `change` receives the current record and returns the replacement, or `undefined`
   * to leave it untouched; it may be called more than once under contention, so it must be pure: it returns a new
   * record and never modifies the one it is given (which may be the caller's `likely`).
   * Resolves to the record as stored afterwards and whether it changed, or `null` when there is no such task.
   * `likely` is the record as the caller last saw it: a store may start from it to save a read (the write still
   * checks it, so a stale one only costs a retry). `carrier` is the queue's offer to send the first write with the
   * end of the leg it settles (see {@link LegDelivery.carrier}); a store that cannot use it ignores it.
   */
  update(
    taskId: string,
    change: (current: TaskRecord) => TaskRecord | undefined,
    likely?: TaskRecord,
    carrier?: LegEndCarrier,
  ): Promise<{ record: TaskRecord; changed: boolean } | null>;
  /**
   * One page of the live tasks of `owner`, in listing order (see `listing.ts`), starting after `cursor`; at most
   * `limit` records. Throws `InvalidCursorError` for a cursor that is not one of its own.
   */
  listByOwner(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage>;
  /**
   * Ids of non-terminal tasks whose `checkAt` is at or before `now`, most overdue first, at most `limit`. A store
   * shared by several processes may answer none while another process is already checking (one checker at a time).
   */
  dueForCheck(now: number, limit: number): Promise<string[]>;
  /**
   * The most recent tasks (newest first, at most `limit`) matching the query, all principals unless `owner` is
   * given: the operators' view. A large store may look only at its most recent few thousand tasks.
   */
  listRecent(query: RecentQuery): Promise<TaskRecord[]>;
  close(): Promise<void>;
}

/** Which tasks {@link TaskStore.listRecent} returns. */
export interface RecentQuery {
  limit: number;
  owner?: string;
  status?: TaskStatus;
  toolName?: string;
}

/** Whether `record` matches the filters of `query`. */
export function matchesQuery(record: TaskRecord, query: RecentQuery): boolean {
  return (
    (query.owner === undefined || record.owner === query.owner) &&
    (query.status === undefined || record.status === query.status) &&
    (query.toolName === undefined || record.toolName === query.toolName)
  );
}

/** A task could not be created because a bound on retained tasks was reached. */
export class TaskLimitError extends Error {
  constructor(
    readonly limit: keyof TaskLimits,
    readonly max: number,
  ) {
    super(
      limit === 'perOwner'
        ? `Too many tasks for this caller (at most ${max} at once): wait for some to end and expire, or cancel some.`
        : `Too many tasks on this server (at most ${max} at once): try again later.`,
    );
    this.name = 'TaskLimitError';
  }
}

/** Cross-process notifications about tasks. Delivery is best effort; state always lives in the store. */
export type TaskEvent =
  /** The record changed (status, progress, input); listeners re-read the store. */
  | { type: 'changed'; taskId: string; status: TaskStatus }
  /** Stop the running handler of this task, wherever it runs. */
  | { type: 'cancel'; taskId: string }
  /**
   * A log record of the task's handler (`ctx.log`), wherever it runs, for the front end holding the client that
   * created the task. Not kept anywhere: a record nobody listens to is gone.
   */
  | ({ type: 'log'; taskId: string } & TaskLogRecord);

/** One log record of a running task, as `notifications/message` carries it. */
export interface TaskLogRecord {
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';
  data: unknown;
  logger?: string;
}

export type TaskEventType = TaskEvent['type'];

export interface TaskEventBus {
  publish(event: TaskEvent): Promise<void>;
  /**
   * Deliver the events of `types` (default: every type) to `listener`. Resolves once the subscription is live, so
   * no event published afterwards is missed. A bus may leave the other types undelivered to this process at all:
   * a worker that only needs cancels is not woken by every change of every task.
   */
  subscribe(
    listener: (event: TaskEvent) => void,
    types?: readonly TaskEventType[],
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One unit of work on the queue: an attempt of a leg of a task. */
export interface QueuedLeg {
  taskId: string;
  leg: number;
  attempt: number;
}

/** A task as it was created, carried with its first leg so a worker can start it without reading the store. */
export interface LegPreload {
  record: TaskRecord;
  context: string;
}

/**
 * Sends one write of the store (its command's keys and arguments) with the end of the leg it settles, in one round
 * trip, and resolves to the write's reply. Only a store of the same engine knows what to send: the Redis engine's
 * completes the leg's BullMQ job in the same script as the record's compare-and-set. Once a store has called it,
 * the leg ends with that write, whether the consumer's `process` has resolved or not. It rejects when the write
 * could not travel with the leg's end (the leg then ends without it): the store sends the write alone.
 */
export type LegEndCarrier = (keysAndArgs: Array<string | number>) => Promise<unknown>;

/** A leg handed to a consumer. */
export interface LegDelivery extends QueuedLeg {
  /** How often this leg was delivered before and lost with its worker (a crash, `kill -9`, a lost lock). */
  crashes: number;
  /** The task as queued with this leg, when the queue carries it (see {@link LegPreload}). */
  preloaded?: LegPreload;
  /**
   * Give the leg back to the queue untouched, for another consumer (this one is shutting down): at once, or at the
   * latest when the queue closes.
   */
  handBack(): Promise<void>;
  /** Offered by a queue that can end the leg together with the store's write that settles it (at most once). */
  carrier?: LegEndCarrier;
}

/** Hands legs to whichever process consumes the queue, at most `concurrency` at a time per consumer. */
export interface TaskQueue {
  /** Resolves once the leg is durably queued. Queuing a leg that is already queued or running changes nothing. */
  enqueue(job: QueuedLeg, options?: { delayMs?: number }): Promise<void>;
  /** Whether this leg is queued (waiting or delayed) or held by a consumer: `false` means nothing will run it. */
  holds(job: QueuedLeg): Promise<boolean>;
  /** Drop this leg if it has not started yet (best effort; the engine also re-checks the record on start). */
  remove(job: QueuedLeg): Promise<void>;
  /** Start taking legs. `process` resolves once the leg is fully handled, and never rejects. */
  consume(process: (delivery: LegDelivery) => Promise<void>, options: { concurrency: number }): Promise<void>;
  /** Stop taking new legs; the ones running go on (and keep their claim on a durable queue). */
  stopConsuming(): Promise<void>;
  /** Legs waiting or delayed, not yet started (for monitoring). */
  depth(): Promise<number>;
  /**
   * Release everything without waiting for running legs: a durable queue gives legs that were neither finished nor
   * handed back to another consumer once their claim lapses. Legs still queued stay queued (if durable).
   */
  close(): Promise<void>;
}
