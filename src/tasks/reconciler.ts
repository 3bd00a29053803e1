/**
 * The backstop of the durability invariant: every task ends `completed`, `failed` or `cancelled`, or is held by
 * its queue (waiting, delayed, or running on a live worker). Transitions normally keep this by themselves; the
 * reconciler catches what slips through a crash between two writes, a queue entry removed by hand, or an input
 * request nobody answers.
 *
 * Every non-terminal record carries `checkAt`, pushed forward by each transition. A round reads the few records
 * that are overdue (one indexed range read when nothing is), and for each: a `working` leg the queue still holds
 * is checked again later (less often the longer it has been quiet); one it does not hold is queued again, up to
 * the stalled limit, then failed; an `input_required` ask past its wait fails. It runs in every process with no
 * leader: a shared store lets one process check at a time.
 */
import type { Observers } from './observer.js';
import type { QueuedLeg, TaskQueue, TaskStore } from './seams.js';
import { failedRecord, isCurrentLeg, stamped } from './transitions.js';
import type { Durability, EngineLog } from './tuning.js';
import type { TaskRecord } from './types.js';

export interface ReconcileReport {
  checked: number;
  requeued: number;
  failed: number;
}

export class Reconciler {
  private timer?: NodeJS.Timeout;
  private round?: Promise<ReconcileReport>;

  constructor(
    private readonly options: {
      store: TaskStore;
      queue: TaskQueue;
      durability: Durability;
      log: EngineLog;
      observers: Observers;
      announce(record: TaskRecord): Promise<void>;
    },
  ) {}

  start(): void {
    const every = this.options.durability.reconcileIntervalMs;
    if (every === 0 || this.timer) return;
    this.timer = setInterval(() => {
      void this.run().catch((error: Error) => {
        this.options.observers.failed('reconciler round', error);
        this.options.log('debug', `reconciler: round skipped: ${error.message}`);
      });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round?.catch(() => {});
  }

  /** One round now (rounds never overlap in one process). */
  run(now = Date.now()): Promise<ReconcileReport> {
    this.round ??= this.check(now).finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async check(now: number): Promise<ReconcileReport> {
    const { store, durability } = this.options;
    const report: ReconcileReport = { checked: 0, requeued: 0, failed: 0 };
    for (const taskId of await store.dueForCheck(now, durability.reconcileBatch)) {
      const record = await store.get(taskId);
      if (!record || record.checkAt === undefined || record.checkAt > now) continue;
      report.checked++;
      if (record.status === 'input_required') {
        const ended = await this.fail(
          record,
          `No answer to the task's input request arrived within ${record.ttlMs} ms.`,
        );
        if (ended) report.failed++;
        continue;
      }
      const job: QueuedLeg = { taskId, leg: record.leg, attempt: record.attempt };
      if (await this.options.queue.holds(job)) {
        await this.recheckLater(record, job, now);
        continue;
      }
      const requeues = (record.requeues ?? 0) + 1;
      if (requeues > durability.maxStalledCount) {
        const ended = await this.fail(
          record,
          `The task's queued work was lost ${requeues} times (removed from the queue, or its worker crashed between ` +
            'two writes); giving up.',
        );
        if (ended) report.failed++;
        continue;
      }
      if (await this.requeue(record, job, requeues)) report.requeued++;
    }
    return report;
  }

  /** A healthy long-running leg: look again later, the longer it has been quiet (at most 10 × `livenessMs`). */
  private async recheckLater(record: TaskRecord, job: QueuedLeg, now: number): Promise<void> {
    const { livenessMs } = this.options.durability;
    const quietMs = now - record.lastUpdatedAt;
    const checkAt = now + Math.max(livenessMs, Math.min(quietMs, 10 * livenessMs));
    await this.options.store.update(record.taskId, (current) =>
      isCurrentLeg(current, job) && current.checkAt === record.checkAt ? { ...current, checkAt } : undefined,
    );
  }

  private async requeue(record: TaskRecord, job: QueuedLeg, requeues: number): Promise<boolean> {
    const { store, queue, durability, log } = this.options;
    const updated = await store.update(record.taskId, (current) =>
      isCurrentLeg(current, job) && current.checkAt === record.checkAt
        ? { ...current, requeues, checkAt: Date.now() + durability.livenessMs }
        : undefined,
    );
    if (!updated?.changed) return false;
    await queue.enqueue(job);
    log('warning', `task ${record.taskId}: leg ${job.leg} had nothing queued or running; queued it again.`);
    return true;
  }

  private async fail(record: TaskRecord, message: string): Promise<boolean> {
    const updated = await this.options.store.update(record.taskId, (current) =>
      current.status === record.status &&
      current.leg === record.leg &&
      current.attempt === record.attempt &&
      current.checkAt === record.checkAt
        ? stamped(failedRecord(current, message), Date.now(), this.options.durability.livenessMs)
        : undefined,
    );
    if (!updated?.changed) return false;
    this.options.log('warning', `task ${record.taskId}: ${message}`);
    this.options.observers.ended(updated.record);
    await this.options.announce(updated.record);
    return true;
  }
}
