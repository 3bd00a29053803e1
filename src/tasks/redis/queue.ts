import { type ConnectionOptions, Job, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LegDelivery, LegEndCarrier, LegPreload, QueuedLeg, TaskQueue } from '../seams.js';
import { COMPARE_AND_SET_KEYS, compareAndSetThenFinish } from './scripts.js';
import { ScriptTransaction, scriptsOf } from './transaction.js';

export interface BullMQTaskQueueOptions {
  /** BullMQ key prefix (hash-tagged per server, see keys.ts). */
  prefix: string;
  /** How long a worker's claim on a leg lasts without renewal; a crashed worker's legs run again after it. */
  leaseMs: number;
  /** How often workers look for legs whose claim lapsed. */
  stalledCheckMs: number;
  /** A dedicated connection for the worker (BullMQ needs one that never gives up on a command); closed with us. */
  workerConnection: () => Redis;
  /**
   * A dedicated connection for creation transactions, with the scripts the caller queues on them already defined;
   * closed with us. Its own connection because ioredis copies every script defined on a connection into each
   * transaction it starts, and BullMQ defines dozens on the shared one: on a connection with a handful, a creation
   * costs a fraction of the CPU. Default: a plain duplicate of the shared connection.
   */
  transactionConnection?: () => Redis;
}

const QUEUE_NAME = 'legs';

/**
 * BullMQ's own stalled limit, set out of reach: when a leg is lost too often the engine fails its task (it reads
 * BullMQ's stalled counter on delivery), because a job BullMQ fails by itself leaves no trace in the task record.
 */
const NEVER = 1_000_000;

/**
 * Legs as BullMQ jobs. The first leg's job id is the task id; later legs and retries get `<taskId>-<leg>-<attempt>`.
 * Ids are deterministic, so queueing a leg twice is a no-op and the reconciler can ask whether a leg is held. Jobs
 * are removed as soon as they are processed: the outcome lives in the task record, so a job never outlives its task.
 */
export class BullMQTaskQueue implements TaskQueue {
  private producer?: Queue;
  private worker?: Worker;
  private workerRedis?: Redis;
  private transactionRedis?: Redis;
  private stopped = false;
  /** Legs to move back to the queue once the worker has stopped fetching. */
  private readonly givenBack: Array<() => Promise<unknown>> = [];
  /** The store's writes that end their leg's job, by job id, until BullMQ completes the job (see carryEnds). */
  private readonly carried = new Map<string, CarriedWrite>();
  /** BullMQ's job-completing command on the worker connection, once wrapped to carry those writes. */
  private carrying?: { name: string; wrapper: (args: Argument[]) => Promise<unknown> };

  constructor(
    private readonly connection: Redis,
    private readonly options: BullMQTaskQueueOptions,
  ) {}

  /** Create the producer (the constructor does no I/O). */
  async open(): Promise<void> {
    // BullMQ keeps an events stream (10,000 entries by default) for QueueEvents listeners; task state lives in our own
    // records and events, so nothing reads it: keep it short instead of paying for it per task.
    this.producer = new Queue(QUEUE_NAME, {
      connection: this.connection as ConnectionOptions,
      prefix: this.options.prefix,
      streams: { events: { maxLen: 100 } },
    });
    // Connection trouble is reported by the engine's own listener on the shared connection.
    this.producer.on('error', () => {});
    await this.producer.waitUntilReady();
  }

  async enqueue(job: QueuedLeg, options: { delayMs?: number } = {}): Promise<void> {
    await this.queue().add('leg', job, jobOptions(job, options.delayMs));
  }

  /**
   * A MULTI on the transaction connection (see {@link BullMQTaskQueueOptions.transactionConnection}), opened by the
   * first creation: a process that only runs legs never opens it. Sent without ioredis's `multi()` (transaction.ts).
   */
  transaction(): ScriptTransaction {
    this.queue();
    if (!this.transactionRedis) {
      const transactionRedis = this.options.transactionConnection?.() ?? this.connection.duplicate();
      // BullMQ defined its scripts on the shared connection; the one that adds a job is all a creation needs.
      for (const [name, script] of Object.entries(scriptsOf(this.connection))) {
        if (name.startsWith(ADD_JOB_SCRIPT))
          transactionRedis.defineCommand(name, {
            lua: script.lua,
            numberOfKeys: script.numberOfKeys ?? undefined,
          });
      }
      this.transactionRedis = transactionRedis;
    }
    return new ScriptTransaction(this.transactionRedis);
  }

  /**
   * Queue a leg on a {@link transaction} (creation: the record and its first leg in one MULTI), with the task as
   * created, so the worker that takes it can start the handler at once (see {@link LegPreload}).
   */
  queueAdd(multi: ScriptTransaction, job: QueuedLeg, preload: LegPreload): void {
    const data: LegData = { ...job, preload };
    const entry = new Job(this.queue(), 'leg', data, jobOptions(job), jobIdFor(job));
    // BullMQ queues its script through `runCommand` (as on the transactions of the clients it wraps), synchronously;
    // the outcome is read from `multi.exec()`.
    const runner = {
      runCommand: (name: string, args: Array<string | number | Buffer>) => multi.script(name, args),
    };
    void entry.addJob(runner as never).catch(() => {});
  }

  async holds(job: QueuedLeg): Promise<boolean> {
    return (await this.connection.exists(this.queue().toKey(jobIdFor(job)))) === 1;
  }

  async remove(job: QueuedLeg): Promise<void> {
    try {
      await this.queue().remove(jobIdFor(job));
    } catch {
      // A running (locked) job cannot be removed; the engine aborts it through the event bus instead.
    }
  }

  async consume(
    process: (delivery: LegDelivery) => Promise<void>,
    options: { concurrency: number },
  ): Promise<void> {
    if (this.worker) throw new Error('This task queue already has a consumer.');
    this.workerRedis = this.options.workerConnection();
    this.worker = new Worker(
      QUEUE_NAME,
      async (job, token) => {
        // Through the producer's connection, which outlives the worker's.
        const giveBack = async () => (await Job.fromId(this.queue(), job.id!))?.moveToWait(token);
        if (this.stopped) {
          // Fetched while stopping (BullMQ's pause lets the fetch in flight complete; it was the last one).
          await giveBack();
          throw new WaitingError();
        }
        let handedBack = false;
        let released!: () => void;
        const released$ = new Promise<void>((resolve) => {
          released = resolve;
        });
        const { preload, ...leg } = job.data as LegData;
        // A leg handed back ends its job at once, even if its handler ignores the signal and never returns; a leg
        // whose settling write was handed over ends with that write (BullMQ completes the job once we return).
        await Promise.race([
          process({
            ...leg,
            preloaded: preload,
            crashes: job.stalledCounter,
            carrier: this.carrierFor(job.id!, released),
            handBack: async () => {
              if (handedBack) return;
              handedBack = true;
              // While stopping, a leg moved back now could wake this worker's own fetch in flight and be taken
              // again (then stuck until its lock lapsed): it goes back when close() has stopped all fetching.
              if (this.stopped) this.givenBack.push(giveBack);
              else await giveBack();
              released();
            },
          }),
          released$,
        ]);
        // Tells BullMQ the job went back to the queue on purpose: not completed, not failed.
        if (handedBack) throw new WaitingError();
      },
      {
        connection: this.workerRedis as ConnectionOptions,
        prefix: this.options.prefix,
        concurrency: options.concurrency,
        lockDuration: this.options.leaseMs,
        stalledInterval: this.options.stalledCheckMs,
        maxStalledCount: NEVER,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      },
    );
    // Connection trouble is reported by the engine's connection listeners; BullMQ retries by itself.
    this.worker.on('error', () => {});
    await this.worker.waitUntilReady();
    this.carryEnds(this.workerRedis);
  }

  /**
   * Let the store's write that settles a leg travel in the script that completes its job: one round trip per
   * finished leg instead of two. Measured: a second script per job, even one that only returns, halves a raw BullMQ
   * worker's throughput on 2 cores; Redis and the worker pay per command, not per Lua line.
   *
   * BullMQ completes a job by calling its `moveToFinished` command on the worker's connection (ours); that command
   * is wrapped here: for a job with a carried write it runs BullMQ's script and the compare-and-set as one script
   * (scripts.ts), otherwise BullMQ's own. BullMQ internals, checked where they are read: with a BullMQ whose command
   * is not there, or takes other keys, legs end as before, with two round trips.
   */
  private carryEnds(redis: Redis): void {
    const defined = scriptsOf(redis);
    const name = Object.keys(defined).find((script) => script.startsWith(`${FINISH_SCRIPT}:`));
    const finish = name ? defined[name] : undefined;
    const commands = redis as unknown as Record<string, (args: Argument[]) => Promise<unknown>>;
    const original = name ? commands[name] : undefined;
    if (!name || !finish || finish.numberOfKeys !== FINISH_KEYS || !original) return;
    const keys = FINISH_KEYS + COMPARE_AND_SET_KEYS;
    redis.defineCommand(CARRIED_FINISH, { numberOfKeys: keys, lua: compareAndSetThenFinish(finish.lua) });
    const wrapper = (args: Argument[]): Promise<unknown> => {
      const jobId = String(args[FINISH_KEYS]); // the first argument after the keys
      const write = this.carried.get(jobId);
      if (!write) return original.call(redis, args);
      this.carried.delete(jobId);
      const reply = commands[CARRIED_FINISH]!.call(redis, [
        ...args.slice(0, FINISH_KEYS),
        ...write.keysAndArgs.slice(0, COMPARE_AND_SET_KEYS),
        ...args.slice(FINISH_KEYS),
        ...write.keysAndArgs.slice(COMPARE_AND_SET_KEYS),
      ]) as Promise<[unknown, unknown]>;
      reply.then(([written]) => write.resolve(written), write.reject);
      return reply.then(([, finished]) => finished);
    };
    commands[name] = wrapper;
    this.carrying = { name, wrapper };
  }

  /** A carrier for the job's settling write, while the wrapper is in place (BullMQ defines commands only once). */
  private carrierFor(jobId: string, release: () => void): LegEndCarrier | undefined {
    const carrying = this.carrying;
    const commands = this.workerRedis as unknown as Record<string, unknown> | undefined;
    if (!carrying || commands?.[carrying.name] !== carrying.wrapper) return undefined;
    return (keysAndArgs) =>
      new Promise((resolve, reject) => {
        const write: CarriedWrite = { keysAndArgs, resolve, reject };
        this.carried.set(jobId, write);
        release();
        // Once we return, BullMQ completes the job through the wrapper within the same chain of promises (unless
        // its connection is not ready). A write still here after that chain is not going to be taken: the store
        // sends it alone, and the job ends with BullMQ's own script.
        setImmediate(() => {
          if (this.carried.get(jobId) !== write) return;
          this.carried.delete(jobId);
          reject(new Error('BullMQ did not complete the leg with its write; writing it alone.'));
        });
      });
  }

  async stopConsuming(): Promise<void> {
    this.stopped = true;
    await this.worker?.pause(true);
  }

  depth(): Promise<number> {
    return this.queue().getJobCountByTypes('wait', 'delayed', 'prioritized');
  }

  async close(): Promise<void> {
    // Running legs were drained or handed back by the engine; a hung one keeps nothing alive: its lock lapses.
    await this.worker?.close(true);
    // Now that nothing fetches, the legs handed back go back to the queue (still under this worker's locks).
    for (const giveBack of this.givenBack.splice(0)) await giveBack().catch(() => {});
    await this.producer?.close();
    const transactionRedis = this.transactionRedis;
    this.transactionRedis = undefined;
    if (transactionRedis) await transactionRedis.quit().catch(() => transactionRedis.disconnect());
    const workerRedis = this.workerRedis;
    this.worker = undefined;
    this.workerRedis = undefined;
    if (workerRedis) await workerRedis.quit().catch(() => workerRedis.disconnect());
  }

  private queue(): Queue {
    if (!this.producer) throw new Error('The task queue is not open: start the engine first.');
    return this.producer;
  }
}

/** The BullMQ script a first leg is queued with (named `addStandardJob:<BullMQ version>`). */
const ADD_JOB_SCRIPT = 'addStandardJob';
/** BullMQ's script that completes (or fails) an active job, and the keys it takes (BullMQ 5 and 6). */
const FINISH_SCRIPT = 'moveToFinished';
const FINISH_KEYS = 14;
/** Our command: a store write, then BullMQ's completion (scripts.ts). */
const CARRIED_FINISH = 'taskmcpCompareAndSetThenFinish';

type Argument = string | number | Buffer;

/** A store write waiting for BullMQ to complete its leg's job. */
interface CarriedWrite {
  keysAndArgs: Array<string | number>;
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

/** A job's data: the leg, and for a first leg the task as created. */
interface LegData extends QueuedLeg {
  preload?: LegPreload;
}

function jobIdFor(job: QueuedLeg): string {
  return job.leg === 1 && job.attempt === 1 ? job.taskId : `${job.taskId}-${job.leg}-${job.attempt}`;
}

function jobOptions(job: QueuedLeg, delayMs?: number) {
  return { jobId: jobIdFor(job), delay: delayMs, removeOnComplete: true, removeOnFail: true };
}
