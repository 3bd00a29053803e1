import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueuedLeg, TaskQueue } from '../seams.js';

export interface BullMQTaskQueueOptions {
  /** BullMQ key prefix (hash-tagged per server, see keys.ts). */
  prefix: string;
  /** How long a worker's claim on a leg lasts without renewal; a crashed worker's legs are re-run after it. */
  leaseMs: number;
  /** How often a crashed leg may be re-delivered before BullMQ gives up on it. */
  maxStalledCount: number;
}

const QUEUE_NAME = 'legs';

/**
 * Legs as BullMQ jobs. The first leg's job id is the task id; later legs and retries get `<taskId>-<leg>-<attempt>`,
 * and a leg handed back by a worker that is shutting down gets a fresh suffix. Jobs are removed as soon as they are
 * processed: the outcome lives in the task record, so a job never outlives its task.
 */
export class BullMQTaskQueue implements TaskQueue {
  private readonly queue: Queue;
  private worker?: Worker;

  constructor(
    private readonly connection: Redis,
    private readonly options: BullMQTaskQueueOptions,
  ) {
    // BullMQ keeps an events stream (10,000 entries by default) for QueueEvents listeners; task state lives in our own
    // records and events, so nothing reads it: keep it short instead of paying for it per task.
    this.queue = new Queue(QUEUE_NAME, {
      connection,
      prefix: options.prefix,
      streams: { events: { maxLen: 100 } },
    });
  }

  async enqueue(job: QueuedLeg, options: { delayMs?: number; redelivery?: boolean } = {}): Promise<void> {
    await this.queue.add('leg', job, {
      jobId: jobIdFor(job, options.redelivery ?? false),
      delay: options.delayMs,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async remove(job: QueuedLeg): Promise<void> {
    try {
      await this.queue.remove(jobIdFor(job, false));
    } catch {
      // A running (locked) job cannot be removed; the engine aborts it through the event bus instead.
    }
  }

  async consume(process: (job: QueuedLeg) => Promise<void>, options: { concurrency: number }): Promise<void> {
    if (this.worker) throw new Error('This task queue already has a consumer.');
    this.worker = new Worker(QUEUE_NAME, (job) => process(job.data as QueuedLeg), {
      // BullMQ needs a connection that never gives up on blocking commands; it duplicates this one.
      connection: this.connection.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.options.prefix,
      concurrency: options.concurrency,
      lockDuration: this.options.leaseMs,
      stalledInterval: Math.max(250, Math.floor(this.options.leaseMs / 2)),
      maxStalledCount: this.options.maxStalledCount,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    this.worker.on('error', () => {
      // Connection hiccups are retried by BullMQ; the engine's records stay the source of truth.
    });
    await this.worker.waitUntilReady();
  }

  /**
   * Remove queued legs (waiting or delayed) whose task no longer exists: its TTL passed while no worker ran it.
   * Processed jobs are removed at once, so these are the only jobs that could outlive their task.
   */
  async sweep(taskExists: (taskId: string) => Promise<boolean>, limit = 1000): Promise<number> {
    const jobs = await this.queue.getJobs(['wait', 'delayed', 'prioritized'], 0, limit - 1);
    let removed = 0;
    for (const job of jobs) {
      if (!job?.id || (await taskExists((job.data as QueuedLeg).taskId))) continue;
      try {
        await job.remove();
        removed++;
      } catch {
        // Picked up by a worker meanwhile; the worker finds no record and drops it.
      }
    }
    return removed;
  }

  /** Number of legs not yet started (for tests and monitoring). */
  pending(): Promise<number> {
    return this.queue.getJobCountByTypes('wait', 'delayed', 'prioritized');
  }

  async close(): Promise<void> {
    // Closing the worker stops fetching and waits for the legs in flight; the producer stays usable until then so a
    // leg being handed back can still be queued.
    await this.worker?.close();
    await this.queue.close();
  }
}

function jobIdFor(job: QueuedLeg, redelivery: boolean): string {
  const base = job.leg === 1 && job.attempt === 1 ? job.taskId : `${job.taskId}-${job.leg}-${job.attempt}`;
  return redelivery ? `${base}-r${randomBytes(6).toString('base64url')}` : base;
}
