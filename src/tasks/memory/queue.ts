import type { QueuedLeg, TaskQueue } from '../seams.js';

/**
 * A FIFO of legs with a concurrency limit, for one process. Delayed legs (retry backoff) wait on timers.
 * Waiting is event-driven: a leg starts the moment it is queued and a slot is free, never on a polling tick.
 */
export class MemoryTaskQueue implements TaskQueue {
  private readonly ready: QueuedLeg[] = [];
  private readonly delayed = new Map<NodeJS.Timeout, QueuedLeg>();
  private readonly inFlight = new Set<Promise<void>>();
  private process?: (job: QueuedLeg) => Promise<void>;
  private concurrency = 0;
  private closed = false;

  async enqueue(job: QueuedLeg, options: { delayMs?: number } = {}): Promise<void> {
    if (this.closed) throw new Error('The task queue is closed.');
    const delayMs = options.delayMs ?? 0;
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.ready.push(job);
        this.pump();
      }, delayMs);
      this.delayed.set(timer, job);
      return;
    }
    this.ready.push(job);
    this.pump();
  }

  async remove(leg: QueuedLeg): Promise<void> {
    for (let i = this.ready.length - 1; i >= 0; i--) {
      if (this.ready[i]!.taskId === leg.taskId) this.ready.splice(i, 1);
    }
    for (const [timer, job] of this.delayed) {
      if (job.taskId === leg.taskId) {
        clearTimeout(timer);
        this.delayed.delete(timer);
      }
    }
  }

  async consume(process: (job: QueuedLeg) => Promise<void>, options: { concurrency: number }): Promise<void> {
    if (this.process) throw new Error('This task queue already has a consumer.');
    this.process = process;
    this.concurrency = options.concurrency;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed.keys()) clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    const process = this.process;
    if (!process || this.closed) return;
    while (this.inFlight.size < this.concurrency && this.ready.length > 0) {
      const job = this.ready.shift()!;
      const run: Promise<void> = process(job)
        .catch(() => {})
        .finally(() => {
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }
}
