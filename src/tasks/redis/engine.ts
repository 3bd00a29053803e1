import { Redis } from 'ioredis';
import { ComposedTaskEngine } from '../engine.js';
import { redact } from '../redact.js';
import type { TaskLimits } from '../seams.js';
import type { DurabilityOptions } from '../tuning.js';
import type { TaskRecord } from '../types.js';
import { RedisTaskEventBus } from './bus.js';
import { redisKeys } from './keys.js';
import { BullMQTaskQueue } from './queue.js';
import { withScripts } from './scripts.js';
import { RedisSessionEventLog } from './session-events.js';
import { RedisSessionRelay } from './session-relay.js';
import { checkInserted, RedisTaskStore } from './store.js';

export interface RedisTaskEngineOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`); ignored when `redis` is given. */
  url?: string;
  /** An ioredis connection to use (the engine duplicates it where it needs more, and does not close it). */
  redis?: Redis;
  /** Namespace of the tasks: every process of one server must use the same name (default: the server's name). */
  name: string;
  /** Key prefix (default `taskmcp`). */
  prefix?: string;
  /** Legs this process runs at once when it is a worker (default 10). */
  concurrency?: number;
  /**
   * A worker's claim on a running leg, renewed every half of it; after a crash the leg runs again elsewhere once it
   * lapses (default 4 s). A handler that blocks the event loop longer than this may run twice.
   */
  leaseMs?: number;
  /** How often workers look for legs whose claim lapsed (default 1 s). */
  stalledCheckMs?: number;
  /** How many crashes a leg survives before its task fails (default 3); same as `durability.maxStalledCount`. */
  maxStalledCount?: number;
  /** Reconciler, settle retries and shutdown grace: see {@link DurabilityOptions}. */
  durability?: DurabilityOptions;
}

/** Defaults that bound recovery after `kill -9` of a worker: about lease + stalled check, under 5 s. */
export const REDIS_LEASE_MS = 4_000;
export const REDIS_STALLED_CHECK_MS = 1_000;

/**
 * Durable, distributed tasks on Redis: records and snapshots in our own keys, legs on a BullMQ queue that any
 * number of worker processes consume, events (cancel, changes) over pub/sub. Any front end answers for any task.
 * Constructing one does no I/O; `start` connects.
 */
export class RedisTaskEngine extends ComposedTaskEngine {
  private readonly connection: Redis;
  private readonly ownsConnection: boolean;
  private readonly legs: BullMQTaskQueue;
  private readonly records: RedisTaskStore;
  /** The Redis server, password redacted, for messages. */
  readonly where: string;

  constructor(options: RedisTaskEngineOptions) {
    if (!options.redis && !options.url)
      throw new TypeError('RedisTaskEngine needs a url or a redis connection.');
    const connection =
      options.redis ?? new Redis(options.url!, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const keys = redisKeys(options.prefix ?? 'taskmcp', options.name);
    // Connections made after start report their trouble through this engine's log (`this` exists only after super).
    const self: { engine?: RedisTaskEngine } = {};
    const watched = (redis: Redis) => self.engine?.watched(redis) ?? redis;
    const legs = new BullMQTaskQueue(connection, {
      prefix: keys.queuePrefix,
      leaseMs: options.leaseMs ?? REDIS_LEASE_MS,
      stalledCheckMs: options.stalledCheckMs ?? REDIS_STALLED_CHECK_MS,
      // BullMQ's workers need a connection that waits out outages instead of failing commands.
      workerConnection: () => watched(connection.duplicate({ maxRetriesPerRequest: null })),
      transactionConnection: () => withScripts(watched(connection.duplicate())),
    });
    const records = new RedisTaskStore(connection, keys);
    super({
      kind: 'redis',
      distributed: true,
      store: records,
      bus: new RedisTaskEventBus(connection, keys.events, watched),
      queue: legs,
      concurrency: options.concurrency,
      durability: { maxStalledCount: options.maxStalledCount, ...options.durability },
      sessionEvents: (bounds) => new RedisSessionEventLog(connection, keys, bounds),
      sessionRelay: new RedisSessionRelay(connection, keys, watched),
    });
    self.engine = this;
    this.connection = connection;
    this.ownsConnection = !options.redis;
    this.legs = legs;
    this.records = records;
    this.where = options.url
      ? redact(options.url)
      : `redis://${connection.options.host}:${connection.options.port}/${connection.options.db ?? 0}`;
  }

  protected override async open(): Promise<void> {
    this.watched(this.connection);
    if (this.ownsConnection) {
      let reason: Error | undefined;
      const note = (error: Error) => {
        reason ??= error;
      };
      this.connection.on('error', note);
      await this.connection.connect().catch((error: Error) => {
        // Stop ioredis from retrying in the background: starting failed, nothing will use this connection.
        this.connection.disconnect();
        const cause = reason ?? error;
        throw new Error(`Cannot reach Redis at ${this.where}: ${cause.message}`, { cause });
      });
      this.connection.off('error', note);
    }
    await this.legs.open();
  }

  protected override async shut(): Promise<void> {
    if (this.ownsConnection) await this.connection.quit().catch(() => this.connection.disconnect());
  }

  /** The record, its context and its first leg in one MULTI: no crash can leave one without the others. */
  protected override async insertQueued(
    record: TaskRecord,
    context: string,
    limits: TaskLimits,
  ): Promise<void> {
    const multi = this.legs.transaction();
    this.records.queueInsert(multi, record, context, limits);
    this.legs.queueAdd(multi, { taskId: record.taskId, leg: 1, attempt: 1 }, { record, context });
    const [[insertError, inserted], [queueError]] = (await multi.exec()) as [
      [Error | null, unknown],
      [Error | null, unknown],
    ];
    if (insertError) throw insertError;
    if (queueError) throw queueError;
    // A refused insert leaves a queued leg with no record behind it: the worker that takes it finds nothing to run.
    checkInserted(record, limits, inserted);
  }

  /** The store's scripts announce every change themselves. */
  protected override async announce(): Promise<void> {}

  /** Report a connection's trouble once per outage, naming the server (password redacted), and its recovery. */
  private watched(redis: Redis): Redis {
    let down = false;
    redis.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.observers.failed('redis connection', error);
      this.log('warning', `Redis at ${this.where} is unreachable (${error.message}); retrying.`);
    });
    redis.on('ready', () => {
      if (!down) return;
      down = false;
      this.log('info', `Redis at ${this.where} is reachable again.`);
    });
    return redis;
  }
}
