import { ComposedTaskEngine } from '../engine.js';
import type { DurabilityOptions } from '../tuning.js';
import { MemoryTaskEventBus } from './bus.js';
import { MemoryTaskQueue } from './queue.js';
import { MemoryTaskStore } from './store.js';

export interface MemoryTaskEngineOptions {
  /** Legs run at once (default 10). */
  concurrency?: number;
  /** How often expired records are dropped (default 5 s; reads never return an expired record regardless). */
  sweepIntervalMs?: number;
  /** Reconciler and shutdown grace: see {@link DurabilityOptions}. */
  durability?: DurabilityOptions;
}

/**
 * The default engine: tasks live in this process and run on its event loop. Nothing survives a restart and no other
 * process can see the tasks; use the Redis engine for durability and separate workers.
 */
export class MemoryTaskEngine extends ComposedTaskEngine {
  constructor(options: MemoryTaskEngineOptions = {}) {
    super({
      kind: 'memory',
      distributed: false,
      store: new MemoryTaskStore({ sweepIntervalMs: options.sweepIntervalMs }),
      bus: new MemoryTaskEventBus(),
      queue: new MemoryTaskQueue(),
      concurrency: options.concurrency,
      durability: options.durability,
    });
  }
}
