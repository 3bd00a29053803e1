import { Redis } from 'ioredis';
import { ComposedTaskEngine } from '../engine.js';
import { RedisTaskEventBus } from './bus.js';
import { redisKeys } from './keys.js';
import { BullMQTaskQueue } from './queue.js';
import { RedisTaskStore } from './store.js';

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
  /** A worker's claim on a running leg; after a crash the leg runs again elsewhere once this lapses (default 30 s). */
  leaseMs?: number;
  /** How many crashes a leg survives before it is abandoned (default 3). */
  maxStalledCount?: number;
  /** How often queued legs of expired tasks are removed (default 60 s; 0 disables). */
  sweepIntervalMs?: number;
}

/**
 * Durable, distributed tasks on Redis: records and snapshots with real expiries, legs on a BullMQ queue that any
 * number of worker processes consume, events (cancel, changes) over pub/sub. Any front end answers for any task.
 */
export class RedisTaskEngine extends ComposedTaskEngine {
  private readonly connection: Redis;
  private readonly ownsConnection: boolean;
  private readonly legs: BullMQTaskQueue;
  private sweeper?: NodeJS.Timeout;

  constructor(options: RedisTaskEngineOptions) {
    if (!options.redis && !options.url)
      throw new TypeError('RedisTaskEngine needs a url or a redis connection.');
    const connection =
      options.redis ?? new Redis(options.url!, { lazyConnect: false, maxRetriesPerRequest: 3 });
    const keys = redisKeys(options.prefix ?? 'taskmcp', options.name);
    const legs = new BullMQTaskQueue(connection, {
      prefix: keys.queuePrefix,
      leaseMs: options.leaseMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    });
    super({
      kind: 'redis',
      distributed: true,
      store: new RedisTaskStore(connection, keys),
      bus: new RedisTaskEventBus(connection, keys.events),
      queue: legs,
      concurrency: options.concurrency,
    });
    this.connection = connection;
    this.ownsConnection = !options.redis;
    this.legs = legs;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.sweeper = setInterval(() => void this.sweep().catch(() => {}), every);
      this.sweeper.unref();
    }
  }

  /** Remove queued legs of tasks that expired before any worker ran them; returns how many were removed. */
  sweep(): Promise<number> {
    return this.legs.sweep(async (taskId) => (await this.store.get(taskId)) !== null);
  }

  /** Legs queued and not yet started. */
  pendingLegs(): Promise<number> {
    return this.legs.pending();
  }

  override async close(options?: { drainMs?: number }): Promise<void> {
    clearInterval(this.sweeper);
    await super.close(options);
    if (this.ownsConnection) await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
