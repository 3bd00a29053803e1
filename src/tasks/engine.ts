import { TaskErrorCode } from '../errors.js';
import type { TaskPage } from './listing.js';
import type { QueuedLeg, TaskEvent, TaskEventBus, TaskQueue, TaskStore } from './seams.js';
import { describeProgress, isCurrentLeg, settledRecord } from './transitions.js';
import {
  type CreateTaskSpec,
  isTerminal,
  type LegOutcome,
  type LegRunner,
  type TaskRecord,
} from './types.js';

/**
 * The seam between the MCP wire and wherever tasks execute. Shaped by the tasks protocol, not by a queue library:
 * create (durably), read, cancel, answer input, and watch for changes.
 */
export interface TaskEngine {
  /** `memory` or `redis`; shown in logs and refused where it cannot work (a memory engine has no workers). */
  readonly kind: string;
  /** Whether several processes can share this engine's tasks (separate workers, several front ends). */
  readonly distributed: boolean;
  /**
   * Start the engine. With `worker: true` (the default) this process also executes legs with `runner`;
   * a front end that only creates and reads tasks passes `worker: false`. `concurrency` overrides the engine's
   * setting for this process (a worker started from the command line).
   */
  start(options: { runner?: LegRunner; worker?: boolean; concurrency?: number }): Promise<void>;
  /** Create a task in `working` and queue its first leg. Resolves once `get` from any process would find it. */
  create(spec: CreateTaskSpec): Promise<TaskRecord>;
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
  /**
   * Stop: take no new legs, give running ones `drainMs` (default 0) to finish, then abort the rest. A distributed
   * engine hands aborted legs back to the queue so another worker runs them; nothing is marked failed.
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
}

/** Why a running leg was aborted; carried as the `AbortSignal.reason`. */
export class TaskAbortReason extends Error {
  constructor(
    readonly kind: 'cancelled' | 'timeout' | 'shutdown',
    message: string,
  ) {
    super(message);
    this.name = 'TaskAbortReason';
  }
}

export const DEFAULT_CONCURRENCY = 10;

/**
 * The task lifecycle on top of a store, an event bus and a queue. All state transitions live here, so every
 * engine (memory, Redis) shares one state machine:
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
  private readonly concurrency: number;
  private runner?: LegRunner;
  /** Legs running in this process, by task id. */
  private readonly running = new Map<string, AbortController>();
  private readonly watchers = new Map<string, Set<(record: TaskRecord) => void>>();
  private unsubscribe?: () => Promise<void>;
  private started = false;

  constructor(options: ComposedTaskEngineOptions) {
    this.kind = options.kind;
    this.distributed = options.distributed;
    this.store = options.store;
    this.bus = options.bus;
    this.queue = options.queue;
    this.concurrency = checkedConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  async start(options: { runner?: LegRunner; worker?: boolean; concurrency?: number }): Promise<void> {
    const concurrency = checkedConcurrency(options.concurrency ?? this.concurrency);
    if (this.started) throw new Error(`The ${this.kind} task engine was already started.`);
    this.started = true;
    this.runner = options.runner;
    this.unsubscribe = await this.bus.subscribe((event) => this.onEvent(event));
    if (options.worker ?? true) {
      if (!this.runner) throw new Error('A task engine that runs legs needs a runner.');
      await this.queue.consume((job) => this.runLeg(job), { concurrency });
    }
  }

  async create(spec: CreateTaskSpec): Promise<TaskRecord> {
    const now = Date.now();
    const record: TaskRecord = {
      taskId: spec.taskId,
      toolName: spec.toolName,
      owner: spec.owner,
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: spec.ttlMs,
      pollIntervalMs: spec.pollIntervalMs,
      args: spec.args,
      leg: 1,
      attempt: 1,
      retry: spec.retry,
      timeoutMs: spec.timeoutMs,
      inputResponses: spec.inputResponses,
      requestState: spec.requestState,
      progressToken: spec.progressToken,
    };
    await this.store.insert(record, spec.context);
    try {
      await this.queue.enqueue({ taskId: record.taskId, leg: 1, attempt: 1 });
    } catch (error) {
      // The record is already visible; do not leave it "working" forever with nothing queued.
      await this.settle(
        { taskId: record.taskId, leg: 1, attempt: 1 },
        {
          type: 'error',
          error: { code: -32603, message: `The task could not be queued: ${(error as Error).message}` },
        },
      );
      throw error;
    }
    return record;
  }

  get(taskId: string): Promise<TaskRecord | null> {
    return this.store.get(taskId);
  }

  async cancel(taskId: string): Promise<TaskRecord | null> {
    const updated = await this.store.update(taskId, (current) =>
      isTerminal(current.status)
        ? undefined
        : {
            ...current,
            status: 'cancelled',
            statusMessage: 'The task was cancelled.',
            lastUpdatedAt: Date.now(),
            inputRequests: undefined,
            inputKeys: undefined,
          },
    );
    if (!updated) return null;
    if (updated.changed) {
      // Signal the running handler first: removing a queued leg is slower and irrelevant to a running one.
      await this.bus.publish({ type: 'cancel', taskId });
      const { leg, attempt } = updated.record;
      await this.queue.remove({ taskId, leg, attempt });
      await this.publishChange(updated.record);
    }
    return updated.record;
  }

  async answer(taskId: string, responses: Record<string, unknown>): Promise<TaskRecord | null> {
    const updated = await this.store.update(taskId, (current) => {
      if (current.status !== 'input_required' || !current.inputRequests) return undefined;
      const outstanding = { ...current.inputRequests };
      const collected = { ...current.inputResponses };
      let accepted = 0;
      for (const [key, value] of Object.entries(responses)) {
        const toolKey = current.inputKeys?.[key];
        if (!(key in outstanding) || toolKey === undefined) continue; // never issued, already answered, or superseded
        delete outstanding[key];
        collected[toolKey] = value;
        accepted++;
      }
      if (accepted === 0) return undefined;
      const now = Date.now();
      if (Object.keys(outstanding).length > 0) {
        return { ...current, inputRequests: outstanding, inputResponses: collected, lastUpdatedAt: now };
      }
      return {
        ...current,
        status: 'working',
        statusMessage: undefined,
        leg: current.leg + 1,
        attempt: 1,
        inputRequests: undefined,
        inputKeys: undefined,
        inputResponses: collected,
        lastUpdatedAt: now,
      };
    });
    if (!updated) return null;
    if (updated.changed) {
      const { record } = updated;
      if (record.status === 'working') {
        await this.queue.enqueue({ taskId, leg: record.leg, attempt: 1 });
      }
      await this.publishChange(record);
    }
    return updated.record;
  }

  list(owner: string, page: { cursor?: string; limit: number }): Promise<TaskPage> {
    return this.store.listByOwner(owner, page);
  }

  async watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void> {
    if (!this.started) throw new Error(`Start the ${this.kind} task engine before watching tasks.`);
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

  async close(options: { drainMs?: number } = {}): Promise<void> {
    const drained = this.queue.close();
    const drainMs = options.drainMs ?? 0;
    const finished = await Promise.race([
      drained.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), drainMs).unref()),
    ]);
    if (!finished) {
      for (const controller of this.running.values()) {
        controller.abort(new TaskAbortReason('shutdown', 'The server is shutting down.'));
      }
      await drained;
    }
    await this.unsubscribe?.();
    await this.bus.close();
    await this.store.close();
  }

  /** Run one queued leg: check it is still wanted, run the handler, persist the outcome. */
  private async runLeg(job: QueuedLeg): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    const controller = new AbortController();
    this.running.set(job.taskId, controller);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Read after registering the controller: a cancel that lands from now on aborts us through the bus,
      // and one that landed before is visible here.
      const record = await this.store.get(job.taskId);
      if (!record || !isCurrentLeg(record, job)) return;
      const context = await this.store.getContext(job.taskId);
      if (record.timeoutMs !== undefined) {
        const timeoutMs = record.timeoutMs;
        timer = setTimeout(() => {
          controller.abort(new TaskAbortReason('timeout', `The task timed out after ${timeoutMs} ms.`));
          // Fail now rather than when (or if) the handler notices the signal.
          void this.settle(job, {
            type: 'error',
            error: { code: TaskErrorCode.Timeout, message: `The task timed out after ${timeoutMs} ms.` },
          }).catch(() => {});
        }, timeoutMs);
      }
      let outcome: LegOutcome;
      try {
        outcome = await runner({
          taskId: record.taskId,
          toolName: record.toolName,
          owner: record.owner,
          args: record.args,
          leg: record.leg,
          attempt: record.attempt,
          maxAttempts: record.retry?.attempts ?? 1,
          inputResponses: record.inputResponses,
          requestState: record.requestState,
          context,
          signal: controller.signal,
          reportProgress: (progress, total, message) => this.progress(job, progress, total, message),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcome = {
          type: 'thrown',
          message,
          result: { content: [{ type: 'text', text: message }], isError: true },
        };
      }
      const reason = controller.signal.reason;
      if (reason instanceof TaskAbortReason && reason.kind === 'shutdown') {
        // Leave the record as it is; a durable queue gets the leg back so another worker runs it.
        if (this.distributed) await this.queue.enqueue(job, { redelivery: true }).catch(() => {});
        return;
      }
      await this.settle(job, outcome);
    } finally {
      clearTimeout(timer);
      if (this.running.get(job.taskId) === controller) this.running.delete(job.taskId);
    }
  }

  /** Persist how a leg ended, unless the task moved on (cancelled, timed out, expired) in the meantime. */
  private async settle(job: QueuedLeg, outcome: LegOutcome): Promise<void> {
    let retryDelayMs: number | undefined;
    const updated = await this.store.update(job.taskId, (current) => {
      if (!isCurrentLeg(current, job)) return undefined;
      const settled = settledRecord(current, outcome, Date.now());
      retryDelayMs = settled.retryDelayMs;
      return settled.record;
    });
    if (!updated?.changed) return;
    if (retryDelayMs !== undefined) {
      await this.queue.enqueue(
        { taskId: job.taskId, leg: job.leg, attempt: job.attempt + 1 },
        { delayMs: retryDelayMs },
      );
    }
    await this.publishChange(updated.record);
  }

  private async progress(job: QueuedLeg, progress: number, total?: number, message?: string): Promise<void> {
    const updated = await this.store.update(job.taskId, (current) =>
      isCurrentLeg(current, job)
        ? {
            ...current,
            progress: { progress, total, message },
            statusMessage: describeProgress(progress, total, message),
            lastUpdatedAt: Date.now(),
          }
        : undefined,
    );
    if (updated?.changed) await this.publishChange(updated.record);
  }

  private async publishChange(record: TaskRecord): Promise<void> {
    await this.bus.publish({ type: 'changed', taskId: record.taskId, status: record.status });
  }

  private onEvent(event: TaskEvent): void {
    if (event.type === 'cancel') {
      this.running.get(event.taskId)?.abort(new TaskAbortReason('cancelled', 'The task was cancelled.'));
      return;
    }
    const listeners = this.watchers.get(event.taskId);
    if (!listeners || listeners.size === 0) return;
    void this.store.get(event.taskId).then(
      (record) => {
        if (record) for (const listener of [...listeners]) listener(record);
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
