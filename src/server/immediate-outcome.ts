import type { TaskEngine } from '../tasks/engine.js';
import type { TaskRecord } from '../tasks/types.js';

/**
 * A bounded wait for a task that was just created to end or ask for input, so that its creating call can answer
 * with the outcome instead of a bare handle (a tool's `task.immediateResultMs`). The watch is set before the first
 * leg can run: an outcome reached at once (the memory engine starts a leg while it is queued) is never missed.
 */
export class ImmediateOutcome {
  private unwatch?: () => void;
  private latest?: TaskRecord;
  private reached!: (record: TaskRecord) => void;
  private readonly outcomeReached = new Promise<TaskRecord>((resolve) => {
    this.reached = resolve;
  });

  constructor(
    private readonly engine: Pick<TaskEngine, 'watch'>,
    private readonly waitMs: number,
  ) {}

  /** Start watching `taskId`; call before its first leg is queued. */
  async watch(taskId: string): Promise<void> {
    this.unwatch = await this.engine.watch(taskId, (record) => {
      this.latest = record;
      if (record.status !== 'working') this.reached(record);
    });
  }

  /**
   * The task's record once it ends or asks for input, or as last seen when the wait is up (0: once the current
   * event-loop turn is over). Stops watching.
   */
  async outcome(created: TaskRecord): Promise<TaskRecord> {
    if (created.status !== 'working') {
      this.stop();
      return created;
    }
    let cancelWait = () => {};
    const waited = new Promise<TaskRecord>((resolve) => {
      const timeUp = () => resolve(this.latest ?? created);
      if (this.waitMs === 0) {
        const immediate = setImmediate(timeUp);
        cancelWait = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(timeUp, this.waitMs);
        cancelWait = () => clearTimeout(timer);
      }
    });
    try {
      return await Promise.race([this.outcomeReached, waited]);
    } finally {
      cancelWait();
      this.stop();
    }
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }
}
