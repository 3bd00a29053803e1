import type { TaskEngine } from './engine.js';
import { MemoryTaskEngine } from './memory/engine.js';
import { redact } from './redact.js';

/** Environment variable naming the engine when the server's options do not: `memory://` or `redis://host:port/db`. */
export const TASKS_URL_ENV = 'TASKMCP_TASKS_URL';
/** Environment variable overriding the Redis key prefix (default `taskmcp`), e.g. to isolate one deployment. */
export const TASKS_PREFIX_ENV = 'TASKMCP_TASKS_PREFIX';

export interface EngineOptions {
  /** Legs this process runs at once (default 10). */
  concurrency?: number;
  /** Queue and key prefix shared by every process of one server (default: the server name). */
  name: string;
}

/**
 * Turn an engine setting into an engine: an instance is used as is; a URL picks the implementation by scheme.
 * Unknown schemes fail loudly rather than falling back to memory, which would silently lose durability.
 */
export async function resolveEngine(
  spec: TaskEngine | string | undefined,
  options: EngineOptions,
): Promise<TaskEngine> {
  if (spec !== undefined && typeof spec !== 'string') return spec;
  const url = spec ?? process.env[TASKS_URL_ENV] ?? 'memory://';
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  switch (scheme) {
    case 'memory:':
      return new MemoryTaskEngine({ concurrency: options.concurrency });
    case 'redis:':
    case 'rediss:': {
      const { RedisTaskEngine } = await loadRedisEngine();
      return new RedisTaskEngine({
        url,
        name: options.name,
        concurrency: options.concurrency,
        prefix: process.env[TASKS_PREFIX_ENV] || undefined,
      });
    }
    default:
      throw new Error(
        `Unsupported task engine URL '${redact(url)}': use memory:// (the default) or redis://.`,
      );
  }
}

/** The Redis engine pulls in bullmq and ioredis, optional peer dependencies: load them only when asked for. */
async function loadRedisEngine(): Promise<typeof import('./redis/index.js')> {
  try {
    return await import('./redis/index.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(
        'The Redis task engine needs the bullmq and ioredis packages: npm install bullmq ioredis',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
