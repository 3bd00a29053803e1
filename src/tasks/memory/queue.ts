import type { LegDelivery, QueuedLeg, TaskQueue } from '../seams.js';

const keyOf = (job: QueuedLeg) => `${job.taskId}\n${job.leg}\n${job.attempt}`;

/**
 * A FIFO of legs with a concurrency limit, for one process. Delayed legs (retry backoff) wait on timers.
 * Waiting is event-driven: a leg starts the moment it is queued and a slot is free, never on a polling tick.
 * Nothing here outlives the process, so a leg never crashes without its queue: `crashes` is always 0.
 */
export class MemoryTaskQueue implements TaskQueue {
  private readonly ready: QueuedLeg[] = [];
  private readonly delayed = new Map<NodeJS.Timeout, QueuedLeg>();
  /** Legs queued or running, by key: enqueuing one of them again changes nothing. */
  private readonly held = new Set<string>();
  private running = 0;
  private process?: (delivery: LegDelivery) => Promise<void>;
  private concurrency = 0;
  private consuming = false;
  private closed = false;

  async enqueue(job: QueuedLeg, options: { delayMs?: number } = {}): Promise<void> {
    if (this.closed) throw new Error('The task queue is closed.');
    const key = keyOf(job);
    if (this.held.has(key)) return;
    this.held.add(key);
    const leg = { taskId: job.taskId, leg: job.leg, attempt: job.attempt };
    const delayMs = options.delayMs ?? 0;
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.ready.push(leg);
        this.pump();
      }, delayMs);
      this.delayed.set(timer, leg);
      return;
    }
    this.ready.push(leg);
    this.pump();
  }

  async holds(job: QueuedLeg): Promise<boolean> {
    return this.held.has(keyOf(job));
  }

  async remove(leg: QueuedLeg): Promise<void> {
    for (let i = this.ready.length - 1; i >= 0; i--) {
      if (this.ready[i]!.taskId === leg.taskId) this.held.delete(keyOf(this.ready.splice(i, 1)[0]!));
    }
    for (const [timer, job] of this.delayed) {
      if (job.taskId === leg.taskId) {
        clearTimeout(timer);
        this.delayed.delete(timer);
        this.held.delete(keyOf(job));
      }
    }
  }

  async consume(
    process: (delivery: LegDelivery) => Promise<void>,
    options: { concurrency: number },
  ): Promise<void> {
    if (this.process) throw new Error('This task queue already has a consumer.');
    this.process = process;
    this.concurrency = options.concurrency;
    this.consuming = true;
    this.pump();
  }

  async stopConsuming(): Promise<void> {
    this.consuming = false;
  }

  async depth(): Promise<number> {
    return this.ready.length + this.delayed.size;
  }

  async close(): Promise<void> {
    this.consuming = false;
    this.closed = true;
    for (const timer of this.delayed.keys()) clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    this.held.clear();
  }

  private pump(): void {
    const process = this.process;
    if (!process || !this.consuming) return;
    while (this.running < this.concurrency && this.ready.length > 0) {
      const job = this.ready.shift()!;
      this.running++;
      // A leg handed back is queued again at the front, unless the queue closed meanwhile.
      const handBack = async () => {
        if (!this.closed) this.ready.unshift(job);
      };
      void process({ ...job, crashes: 0, handBack })
        .catch(() => {})
        .finally(() => {
          this.running--;
          if (!this.ready.includes(job)) this.held.delete(keyOf(job));
          this.pump();
        });
    }
  }
}
