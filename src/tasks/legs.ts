/**
 * The worker side of an engine: run delivered legs, store how they ended, and stop in bounded time.
 *
 * Two promises hold here. A leg whose handler returned has its outcome stored, retrying through store outages for
 * up to `settleDeadlineMs`, and is never handed back to run again. And shutdown is bounded: running handlers get
 * `drainMs` to finish, then their signal fires, then `shutdownGraceMs` later the legs still running are handed back
 * to the queue for another worker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskErrorCode } from '../errors.js';
import type { Observers } from './observer.js';
import type { LegDelivery, LegEndCarrier, QueuedLeg, TaskEvent, TaskQueue, TaskStore } from './seams.js';
import { flushed, LegLogBudget } from './task-logs.js';
import { failedRecord, isCurrentLeg, progressedRecord, settledRecord, stamped } from './transitions.js';
import type { Durability, EngineLog } from './tuning.js';
import { isTerminal, type LegOutcome, type LegRunner, type TaskRecord } from './types.js';

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

interface RunningLeg {
  delivery: LegDelivery;
  controller: AbortController;
  /** The handler has returned: the outcome is being stored and the leg must not be handed back. */
  returned: boolean;
  handedBack: boolean;
  /** The record as this leg last saw it (a hint that saves the store a read when it writes). */
  known?: TaskRecord;
  done: Promise<void>;
}

export interface LegExecutorOptions {
  store: TaskStore;
  queue: TaskQueue;
  runner: LegRunner;
  durability: Durability;
  log: EngineLog;
  observers: Observers;
  /** Tell watchers a record changed (best effort). */
  announce(record: TaskRecord): Promise<void>;
  /** Put a task log record on the event bus. */
  publishLog(event: Extract<TaskEvent, { type: 'log' }>): Promise<void>;
}

export class LegExecutor {
  private readonly legs = new Set<RunningLeg>();
  /** Tasks cancelled lately, from any process: a preloaded leg delivered after its cancel event must not start. */
  private readonly cancelled = new RecentIds(60_000);

  constructor(private readonly options: LegExecutorOptions) {}

  /** Legs running in this process now. */
  get running(): number {
    return this.legs.size;
  }

  /** The queue's consumer: never rejects. */
  readonly run = (delivery: LegDelivery): Promise<void> => {
    const leg: RunningLeg = {
      delivery,
      controller: new AbortController(),
      returned: false,
      handedBack: false,
      done: Promise.resolve(),
    };
    this.legs.add(leg);
    leg.done = this.execute(leg)
      .catch((error: Error) =>
        this.options.log(
          'error',
          `task ${delivery.taskId}: leg ${delivery.leg} failed to run: ${error.message}`,
        ),
      )
      .finally(() => this.legs.delete(leg));
    return leg.done;
  };

  /** Abort the handlers running legs of `taskId` in this process (a cancel from any process). */
  abort(taskId: string, reason: TaskAbortReason): void {
    if (reason.kind === 'cancelled') this.cancelled.remember(taskId);
    for (const leg of this.legs) {
      if (leg.delivery.taskId === taskId) leg.controller.abort(reason);
    }
  }

  /**
   * Bounded shutdown (the queue has stopped handing out legs): wait up to `drainMs` for running legs, then fire
   * their signals, wait `shutdownGraceMs`, and hand back whatever still runs. Legs whose handler returned are
   * waited for until their outcome is stored.
   */
  async drain(drainMs: number): Promise<void> {
    await this.settledWithin(drainMs);
    if (this.legs.size === 0) return;
    for (const leg of this.legs) {
      leg.controller.abort(new TaskAbortReason('shutdown', 'The server is shutting down.'));
    }
    await this.settledWithin(this.options.durability.shutdownGraceMs);
    const storing: Promise<void>[] = [];
    for (const leg of [...this.legs]) {
      if (leg.returned) {
        storing.push(leg.done);
        continue;
      }
      await this.handBack(leg);
    }
    await Promise.all(storing);
  }

  /** Give a leg that did not finish back to the queue, once. */
  private async handBack(leg: RunningLeg): Promise<void> {
    this.legs.delete(leg);
    if (leg.handedBack) return;
    leg.handedBack = true;
    await leg.delivery
      .handBack()
      .catch((error: Error) =>
        this.options.log(
          'warning',
          `task ${leg.delivery.taskId}: could not hand the leg back: ${error.message}`,
        ),
      );
  }

  private async settledWithin(ms: number): Promise<void> {
    if (this.legs.size === 0) return;
    const all = Promise.all([...this.legs].map((leg) => leg.done));
    await Promise.race([all, sleep(ms, undefined, { ref: false })]);
  }

  private async execute(leg: RunningLeg): Promise<void> {
    const { delivery, controller } = leg;
    const { store, durability } = this.options;
    const job: QueuedLeg = { taskId: delivery.taskId, leg: delivery.leg, attempt: delivery.attempt };
    // A first leg carries the task as created: on its first delivery it starts at once, with no read. A cancel
    // that landed before this leg registered is in `cancelled`; one that lands later aborts it through the bus,
    // and the outcome of a leg that is no longer current is never stored (every write checks the record). Any
    // other leg, and a redelivery after a crash or an outage (the leg may have ended meanwhile), reads first:
    // after registering, so a cancel that landed before is visible in the record.
    let current: { record: TaskRecord; context: string | null } | null | undefined =
      delivery.crashes === 0 ? delivery.preloaded : undefined;
    if (current) {
      if (this.cancelled.has(job.taskId)) return;
    } else {
      current = await this.persistently(job.taskId, 'reading the task', () => store.load(job.taskId));
      if (!current || !isCurrentLeg(current.record, job)) return;
    }
    leg.known = current.record;
    if (leg.handedBack) return;
    if (isShutdown(controller.signal.reason)) {
      // Shutdown began before the handler started: another worker runs the leg.
      await this.handBack(leg);
      return;
    }
    const { record, context } = current;
    if (delivery.crashes > durability.maxStalledCount) {
      await this.giveUp(
        job,
        `The task's worker stopped ${delivery.crashes} times while running it (crashed, killed, or lost its lock); ` +
          `giving up after ${durability.maxStalledCount + 1} runs.`,
      );
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (record.timeoutMs !== undefined) {
      const message = `The task timed out after ${record.timeoutMs} ms.`;
      timer = setTimeout(() => {
        controller.abort(new TaskAbortReason('timeout', message));
        // Fail now rather than when (or if) the handler notices the signal.
        void this.settle(leg, job, { type: 'error', error: { code: TaskErrorCode.Timeout, message } }).catch(
          () => {},
        );
      }, record.timeoutMs);
    }
    const { observers } = this.options;
    const logs = new LegLogBudget(record.taskId, this.options.publishLog);
    /** Log records on their way to the bus: the outcome is stored only after them, so they reach clients first. */
    const logging = new Set<Promise<void>>();
    const log = (entry: Parameters<LegLogBudget['send']>[0]) => {
      const sent = logs
        .send(entry)
        .catch((error: Error) =>
          this.options.log('debug', `task ${job.taskId}: log record not sent: ${error.message}`),
        )
        .finally(() => logging.delete(sent));
      logging.add(sent);
      return sent;
    };
    const startedAt = Date.now();
    observers.legStarted(record, startedAt - record.lastUpdatedAt);
    let outcome: LegOutcome;
    try {
      outcome = await this.options.runner({
        taskId: record.taskId,
        toolName: record.toolName,
        owner: record.owner,
        args: owned(record.args),
        leg: record.leg,
        attempt: record.attempt,
        maxAttempts: record.retry?.attempts ?? 1,
        inputResponses: owned(record.inputResponses),
        requestState: record.requestState,
        context,
        queuedAt: record.lastUpdatedAt,
        signal: controller.signal,
        reportProgress: (progress, total, message) => this.progress(leg, job, progress, total, message),
        log,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        type: 'thrown',
        message,
        result: { content: [{ type: 'text', text: message }], isError: true },
      };
    } finally {
      clearTimeout(timer);
      observers.legFinished(record, Date.now() - startedAt);
    }
    if (isShutdown(controller.signal.reason) && (outcome.type === 'thrown' || outcome.type === 'error')) {
      // The handler gave up because we are stopping: another worker runs the leg from the start.
      await this.handBack(leg);
      return;
    }
    leg.returned = true;
    await flushed(logging);
    await this.settle(leg, job, outcome, delivery.carrier);
  }

  /**
   * Store how a leg ended, unless the task moved on (cancelled, timed out, superseded) in the meantime. With a
   * `carrier`, the first write also ends the leg on the queue (one round trip); retries go alone.
   */
  private async settle(
    leg: RunningLeg,
    job: QueuedLeg,
    outcome: LegOutcome,
    carrier?: LegEndCarrier,
  ): Promise<void> {
    const { store, queue, durability } = this.options;
    let nextLegDelayMs: number | undefined;
    const updated = await this.persistently(job.taskId, 'storing the outcome', () => {
      const carriedOnce = carrier;
      carrier = undefined;
      return store.update(
        job.taskId,
        (current) => {
          if (!isCurrentLeg(current, job)) return undefined;
          const settled = settledRecord(current, outcome);
          nextLegDelayMs = settled.nextLegDelayMs;
          return stamped(settled.record, Date.now(), durability.livenessMs);
        },
        leg.known,
        carriedOnce,
      );
    });
    if (!updated?.changed) return;
    if (isTerminal(updated.record.status)) this.options.observers.ended(updated.record);
    if (nextLegDelayMs !== undefined) {
      // The record names what runs next: another attempt of this leg, or the leg after a continuation.
      const { leg: nextLeg, attempt } = updated.record;
      await this.persistently(job.taskId, 'queueing the next leg', () =>
        queue.enqueue({ taskId: job.taskId, leg: nextLeg, attempt }, { delayMs: nextLegDelayMs }),
      );
    }
    await this.options.announce(updated.record);
  }

  private async giveUp(job: QueuedLeg, message: string): Promise<void> {
    this.options.log('error', `task ${job.taskId}: ${message}`);
    const updated = await this.persistently(job.taskId, 'storing the failure', () =>
      this.options.store.update(job.taskId, (current) =>
        isCurrentLeg(current, job)
          ? stamped(failedRecord(current, message), Date.now(), this.options.durability.livenessMs)
          : undefined,
      ),
    );
    if (!updated?.changed) return;
    this.options.observers.ended(updated.record);
    await this.options.announce(updated.record);
  }

  /** Progress is informational: a report that cannot be stored is logged, never thrown into the handler. */
  private async progress(
    leg: RunningLeg,
    job: QueuedLeg,
    progress: number,
    total?: number,
    message?: string,
  ): Promise<void> {
    const { store, durability } = this.options;
    try {
      const updated = await store.update(
        job.taskId,
        (current) =>
          isCurrentLeg(current, job)
            ? stamped(progressedRecord(current, progress, total, message), Date.now(), durability.livenessMs)
            : undefined,
        leg.known,
      );
      if (!updated?.changed) return;
      leg.known = updated.record;
      await this.options.announce(updated.record);
    } catch (error) {
      this.options.log('debug', `task ${job.taskId}: progress not stored: ${(error as Error).message}`);
    }
  }

  /**
   * Run a store or queue operation for a task, retrying with backoff through outages until `settleDeadlineMs`
   * passes. `operation` is a fixed name (a metric label); the task id only goes to the log.
   */
  private async persistently<T>(taskId: string, operation: string, run: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.options.durability.settleDeadlineMs;
    let delayMs = 50;
    let warned = false;
    for (;;) {
      try {
        const value = await run();
        if (warned) this.options.log('info', `task ${taskId}: ${operation}: done after retrying.`);
        return value;
      } catch (error) {
        this.options.observers.failed(operation, error as Error);
        if (Date.now() + delayMs > deadline) throw error;
        if (!warned) {
          warned = true;
          this.options.log(
            'warning',
            `task ${taskId}: ${operation} failed (${(error as Error).message}); retrying for up to ${this.options.durability.settleDeadlineMs} ms.`,
          );
        }
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 2_000);
      }
    }
  }
}

function isShutdown(reason: unknown): boolean {
  return reason instanceof TaskAbortReason && reason.kind === 'shutdown';
}

/** Ids seen within the last `ttlMs`, forgotten lazily as new ones arrive. */
class RecentIds {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  remember(id: string): void {
    const now = Date.now();
    for (const [old, at] of this.seen) {
      if (at > now - this.ttlMs) break;
      this.seen.delete(old);
    }
    this.seen.delete(id);
    this.seen.set(id, now);
  }

  has(id: string): boolean {
    const at = this.seen.get(id);
    return at !== undefined && at > Date.now() - this.ttlMs;
  }
}

/**
 * Data the handler may change as it would in the foreground: a copy of what the store shares frozen (the memory
 * store's records), else the store's own fresh copy.
 */
function owned<T>(value: T): T {
  return typeof value === 'object' && value !== null && Object.isFrozen(value)
    ? structuredClone(value)
    : value;
}
