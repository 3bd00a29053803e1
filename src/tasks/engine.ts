import { LegExecutor, TaskAbortReason } from './legs.js';
import type { TaskPage } from './listing.js';
import { MemorySessionEventLog } from './memory/session-events.js';
import { type EngineObserver, Observers } from './observer.js';
import { type ReconcileReport, Reconciler } from './reconciler.js';
import type {
  RecentQuery,
  TaskEvent,
  TaskEventBus,
  TaskLimits,
  TaskLogRecord,
  TaskQueue,
  TaskStore,
} from './seams.js';
import type { SessionEventBounds, SessionEventLog, SessionEventLogFactory } from './session-events.js';
import type { SessionRelay } from './session-relay.js';
import { TaskLogWatchers } from './task-logs.js';
import { answeredRecord, cancelledRecord, stamped } from './transitions.js';
import { type Durability, type DurabilityOptions, durability, type EngineLog } from './tuning.js';
import { type CreateTaskSpec, isTerminal, type LegRunner, type TaskRecord } from './types.js';

export { TaskAbortReason };

/**
 * The seam between the MCP wire and wherever tasks execute. Shaped by the tasks protocol, not by a queue library:
 * create (durably), read, cancel, answer input, and watch for changes.
 *
 * The contract every engine keeps (and the contract suite checks): every task reaches `completed`, `failed` or
 * `cancelled`, or is held by its queue: waiting, delayed, or running on a live worker. A task is never removed
 * before it ends; it is kept `ttlMs` after. A leg may run more than once (after a crash), never zero times.
 */
export interface TaskEngine {
  /** `memory` or `redis`; shown in logs and refused where it cannot work (a memory engine has no workers). */
  readonly kind: string;
  /** Whether several processes can share this engine's tasks (separate workers, several front ends). */
  readonly distributed: boolean;
  /**
   * Start the engine. With `worker: true` (the default) this process also executes legs with `runner`;
   * a front end that only creates and reads tasks passes `worker: false`. `concurrency` overrides the engine's
   * setting for this process (a worker started from the command line). Nothing touches the network before this.
   */
  start(options: {
    runner?: LegRunner;
    worker?: boolean;
    concurrency?: number;
    log?: EngineLog;
  }): Promise<void>;
  /**
   * Create a task in `working` and queue its first leg, atomically. Resolves once `get` from any process would
   * find it. Throws `TaskLimitError` when `limits` are reached.
   */
  create(spec: CreateTaskSpec, limits?: TaskLimits): Promise<TaskRecord>;
  /** The record, read-only: an engine may hand out its own copy, frozen (the memory engine does). */
  get(taskId: string): Promise<TaskRecord | null>;
  /** Idempotent: a terminal task is returned unchanged. The running handler's signal fires wherever it runs. */
  cancel(taskId: string): Promise<TaskRecord | null>;
  /**
   * Deliver answers to outstanding input requests. Keys that are not outstanding are ignored; once every
   * outstanding request is answered the next leg is queued.
   */
  answer(taskId: string, responses: Record<string, unknown>): Promise<TaskRecord | null>;
  /**
   * One page of the live tasks bound to `owner` (see `listing.ts` for the order and the cursor). An invalid cursor
   * throws `InvalidCursorError` (-32602).
   */
  list(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage>;
  /** Call `listener` with the fresh record on every change of this task. Resolves once the watch is live. */
  watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void>;
  /** The operators' view: the most recent tasks of every principal (or one), newest first; see `RecentQuery`. */
  listRecent(query: RecentQuery): Promise<TaskRecord[]>;
  /** Like {@link watch}, for every task of this server, whichever process changed it. */
  watchAll(listener: (record: TaskRecord) => void): Promise<() => void>;
  /**
   * Call `listener` with each log record the task's handler sends (`ctx.log`), whichever process runs it, from now
   * on (records are not kept). Resolves once the watch is live.
   */
  watchLogs(taskId: string, listener: (record: TaskLogRecord) => void): Promise<() => void>;
  /**
   * A log of 2025-11-25 HTTP sessions' stream events, kept within `bounds`, so a client can resume a dropped stream
   * (`Last-Event-ID`). A distributed engine shares it between processes. Usable once the engine has started.
   */
  sessionEvents(bounds: SessionEventBounds): SessionEventLog;
  /**
   * The session directory and front-end channels that let a 2025-11-25 session held by one front end be used through
   * another (see session-relay.ts); `undefined` on an engine only one process uses. Usable once started.
   */
  sessionRelay(): SessionRelay | undefined;
  /** Hear about the work this process does (metrics, logs); see {@link EngineObserver}. */
  observe(observer: EngineObserver): () => void;
  /** Legs queued and not started, across the engine (for gauges). */
  queueDepth(): Promise<number>;
  /** Legs running in this process now. */
  readonly runningLegs: number;
  /** One reconciler round now (it also runs on its own, see `durability.reconcileIntervalMs`). */
  reconcile(): Promise<ReconcileReport>;
  /**
   * Stop in bounded time: take no new legs, give running ones `drainMs` (default 0) to finish, fire their signals,
   * and after `durability.shutdownGraceMs` hand the legs still running back to the queue (a distributed engine's
   * other workers run them). A leg whose handler returned is stored first and never runs again. Closes every
   * connection the engine opened.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface ComposedTaskEngineOptions {
  kind: string;
  distributed: boolean;
  store: TaskStore;
  bus: TaskEventBus;
  queue: TaskQueue;
  /** Legs this process runs at once. */
  concurrency?: number;
  durability?: DurabilityOptions;
  /** Where session stream events are kept (default: this process's memory). */
  sessionEvents?: SessionEventLogFactory;
  /** The session relay, on a distributed engine (see {@link TaskEngine.sessionRelay}). */
  sessionRelay?: SessionRelay;
}

export const DEFAULT_CONCURRENCY = 10;

const silent: EngineLog = () => {};

/**
 * The task lifecycle on top of a store, an event bus and a queue. All state transitions live here and in
 * `legs.ts` and `reconciler.ts`, as pure functions from `transitions.ts`, so every engine shares one state machine:
 *
 *   working ⇄ input_required, and either → completed | failed | cancelled (terminal, never left).
 *
 * Every transition is a conditional update of the stored record, so a cancel that lands while a leg is finishing
 * wins or loses atomically and a terminal task never changes again.
 */
export class ComposedTaskEngine implements TaskEngine {
  readonly kind: string;
  readonly distributed: boolean;
  protected readonly store: TaskStore;
  protected readonly bus: TaskEventBus;
  protected readonly queue: TaskQueue;
  protected readonly durability: Durability;
  protected log: EngineLog = silent;
  private readonly concurrency: number;
  private executor?: LegExecutor;
  private reconciler?: Reconciler;
  private readonly watchers = new Map<string, Set<(record: TaskRecord) => void>>();
  private readonly allWatchers = new Set<(record: TaskRecord) => void>();
  /** Listeners to task log records; subscribes to the bus's log records on the first. */
  private readonly logWatchers: TaskLogWatchers;
  protected readonly observers = new Observers();
  private unsubscribe?: () => Promise<void>;
  /** The subscription to change events, made by the first watch. */
  private changes?: Promise<() => Promise<void>>;
  private started = false;
  private readonly sessionEventLog: SessionEventLogFactory;
  private readonly relay?: SessionRelay;

  constructor(options: ComposedTaskEngineOptions) {
    this.kind = options.kind;
    this.distributed = options.distributed;
    this.store = options.store;
    this.bus = options.bus;
    this.logWatchers = new TaskLogWatchers(options.bus);
    this.queue = options.queue;
    this.concurrency = checkedConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.durability = durability(options.durability);
    this.sessionEventLog = options.sessionEvents ?? ((bounds) => new MemorySessionEventLog(bounds));
    this.relay = options.sessionRelay;
  }

  sessionRelay(): SessionRelay | undefined {
    return this.relay;
  }

  sessionEvents(bounds: SessionEventBounds): SessionEventLog {
    return this.sessionEventLog(bounds);
  }

  async start(options: {
    runner?: LegRunner;
    worker?: boolean;
    concurrency?: number;
    log?: EngineLog;
  }): Promise<void> {
    const concurrency = checkedConcurrency(options.concurrency ?? this.concurrency);
    if (this.started) throw new Error(`The ${this.kind} task engine was already started.`);
    this.started = true;
    if (options.log) this.log = options.log;
    await this.open();
    this.unsubscribe = await this.bus.subscribe((event) => this.onEvent(event), ['cancel']);
    const announce = (record: TaskRecord) => this.announce(record);
    this.reconciler = new Reconciler({
      store: this.store,
      queue: this.queue,
      durability: this.durability,
      log: this.log,
      observers: this.observers,
      announce,
    });
    this.reconciler.start();
    if (options.worker ?? true) {
      if (!options.runner) throw new Error('A task engine that runs legs needs a runner.');
      this.executor = new LegExecutor({
        store: this.store,
        queue: this.queue,
        runner: options.runner,
        durability: this.durability,
        log: this.log,
        observers: this.observers,
        announce,
        publishLog: (event) => this.bus.publish(event),
      });
      await this.queue.consume(this.executor.run, { concurrency });
    }
  }

  async create(spec: CreateTaskSpec, limits: TaskLimits = {}): Promise<TaskRecord> {
    const now = Date.now();
    const { context, ...fields } = spec;
    const record = stamped(
      { ...fields, status: 'working', createdAt: now, lastUpdatedAt: now, leg: 1, attempt: 1 },
      now,
      this.durability.livenessMs,
    );
    await this.insertQueued(record, context, limits);
    this.observers.created(record);
    return record;
  }

  get(taskId: string): Promise<TaskRecord | null> {
    return this.store.get(taskId);
  }

  async cancel(taskId: string): Promise<TaskRecord | null> {
    const updated = await this.store.update(taskId, (current) =>
      isTerminal(current.status)
        ? undefined
        : stamped(cancelledRecord(current), Date.now(), this.durability.livenessMs),
    );
    if (!updated) return null;
    if (updated.changed) {
      // Signal the running handler first: removing a queued leg is slower and irrelevant to a running one.
      await this.bus.publish({ type: 'cancel', taskId });
      const { leg, attempt } = updated.record;
      await this.queue.remove({ taskId, leg, attempt });
      this.observers.ended(updated.record);
      await this.announce(updated.record);
    }
    return updated.record;
  }

  async answer(taskId: string, responses: Record<string, unknown>): Promise<TaskRecord | null> {
    const updated = await this.store.update(taskId, (current) => {
      const answered = answeredRecord(current, responses);
      return answered && stamped(answered, Date.now(), this.durability.livenessMs);
    });
    if (!updated) return null;
    if (updated.changed) {
      const { record } = updated;
      // A crash between these two writes leaves a working leg with nothing queued: the reconciler queues it.
      if (record.status === 'working') await this.queue.enqueue({ taskId, leg: record.leg, attempt: 1 });
      await this.announce(record);
    }
    return updated.record;
  }

  list(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    return this.store.listByOwner(owner, page);
  }

  async watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void> {
    await this.watchingChanges();
    let listeners = this.watchers.get(taskId);
    if (!listeners) {
      listeners = new Set();
      this.watchers.set(taskId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.watchers.delete(taskId);
    };
  }

  listRecent(query: RecentQuery): Promise<TaskRecord[]> {
    return this.store.listRecent(query);
  }

  async watchAll(listener: (record: TaskRecord) => void): Promise<() => void> {
    await this.watchingChanges();
    this.allWatchers.add(listener);
    return () => this.allWatchers.delete(listener);
  }

  watchLogs(taskId: string, listener: (record: TaskLogRecord) => void): Promise<() => void> {
    if (!this.started) throw new Error(`Start the ${this.kind} task engine before watching task logs.`);
    return this.logWatchers.watch(taskId, listener);
  }

  observe(observer: EngineObserver): () => void {
    return this.observers.add(observer);
  }

  queueDepth(): Promise<number> {
    return this.queue.depth();
  }

  get runningLegs(): number {
    return this.executor?.running ?? 0;
  }

  reconcile(): Promise<ReconcileReport> {
    if (!this.reconciler) throw new Error(`Start the ${this.kind} task engine before reconciling.`);
    return this.reconciler.run();
  }

  async close(options: { drainMs?: number } = {}): Promise<void> {
    if (this.started) {
      await this.queue.stopConsuming();
      await this.executor?.drain(options.drainMs ?? 0);
      await this.reconciler?.stop();
      await this.unsubscribe?.();
      await (await this.changes?.catch(() => undefined))?.();
    }
    await this.queue.close();
    await this.bus.close();
    await this.store.close();
    await this.shut();
  }

  /** Open connections (called by `start`; the constructor does no I/O). */
  protected async open(): Promise<void> {}

  /** Release what `open` acquired, after the seams are closed. */
  protected async shut(): Promise<void> {}

  /**
   * Store a new record and queue its first leg. Engines with a shared store override this to do both in one atomic
   * write; in one process the two steps cannot be separated by a crash that keeps either.
   */
  protected async insertQueued(record: TaskRecord, context: string, limits: TaskLimits): Promise<void> {
    await this.store.insert(record, context, limits);
    await this.queue.enqueue({ taskId: record.taskId, leg: 1, attempt: 1 });
  }

  /** Tell every process's watchers that the record changed; best effort, the record is already stored. */
  protected async announce(record: TaskRecord): Promise<void> {
    await this.bus
      .publish({ type: 'changed', taskId: record.taskId, status: record.status })
      .catch((error: Error) =>
        this.log('debug', `task ${record.taskId}: change not announced: ${error.message}`),
      );
  }

  /**
   * Subscribe to change events on the first watch: a process that never watches (a worker) is not woken by every
   * change of every task.
   */
  private watchingChanges(): Promise<unknown> {
    if (!this.started) throw new Error(`Start the ${this.kind} task engine before watching tasks.`);
    this.changes ??= this.bus.subscribe((event) => this.onEvent(event), ['changed']);
    // A failed subscription is tried again by the next watch.
    return this.changes.catch((error: Error) => {
      this.changes = undefined;
      throw error;
    });
  }

  private onEvent(event: TaskEvent): void {
    if (event.type === 'cancel') {
      this.executor?.abort(event.taskId, new TaskAbortReason('cancelled', 'The task was cancelled.'));
      return;
    }
    const listeners = [...(this.watchers.get(event.taskId) ?? []), ...this.allWatchers];
    if (listeners.length === 0) return;
    void this.store.get(event.taskId).then(
      (record) => {
        if (record) for (const listener of listeners) listener(record);
      },
      () => {},
    );
  }
}

function checkedConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Task engine concurrency must be a positive integer, got ${concurrency}.`);
  }
  return concurrency;
}
