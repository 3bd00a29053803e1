/**
 * Starting a server: create its task engine, attach what observes it, and start it with the task service that runs
 * the server's legs. Everything a serving unit (an SDK server per request, connection or session) needs comes out
 * as one `ServerInternals`.
 */
import type { SnapshotCodec } from '../context/encryption.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { TaskEngine } from '../tasks/engine.js';
import { resolveEngine } from '../tasks/resolve.js';
import { loadTracing } from '../tracing/load.js';
import type { Registration } from './ambient-calls.js';
import { ARGUMENT_LIMITS } from './arguments.js';
import type { ServerLogger } from './logger.js';
import type { Middleware } from './middleware.js';
import { DEFAULT_MIN_TTL_MS, type TaskMCPOptions } from './options.js';
import type { TaskDefaults, ToolRegistry } from './registry.js';
import { withResourcePromptLegs } from './resource-prompt-tasks/legs.js';
import type { ResourceSubscriptions } from './resource-subscriptions.js';
import type { ServerInternals } from './sdk-server.js';
import { TaskService } from './task-service.js';

/** What a server has gathered by the time it starts. */
export interface StartupParts {
  name: string;
  version: string;
  options: TaskMCPOptions;
  registry: ToolRegistry;
  resourcesAndPrompts: Registration[];
  middleware: Middleware[];
  defaults: TaskDefaults;
  log: ServerLogger;
  snapshots: SnapshotCodec;
  shutdown: AbortSignal;
  metrics?: TaskMetrics;
  subscriptions: ResourceSubscriptions;
  /** Called with the engine as soon as it exists, so closing the server closes it even if starting fails. */
  onEngine(engine: TaskEngine): void;
}

export async function startServer(
  parts: StartupParts,
  run: { worker?: boolean; concurrency?: number },
): Promise<ServerInternals> {
  const { options, log } = parts;
  const settings = options.tasks;
  // What is served is what was registered by the time the server starts.
  const resourcesAndPrompts = [...parts.resourcesAndPrompts];
  const engine = await resolveEngine(settings?.engine, {
    name: parts.name,
    concurrency: settings?.concurrency,
  });
  parts.onEngine(engine);
  // Observe the engine before it takes its first leg.
  await parts.metrics?.attach(engine);
  await loadTracing();
  const maskErrorDetails = options.maskErrorDetails ?? false;
  const tasks = new TaskService(engine, parts.registry, {
    maskErrorDetails,
    log,
    snapshots: parts.snapshots,
    ttl: { minMs: settings?.minTtlMs ?? DEFAULT_MIN_TTL_MS, maxMs: parts.defaults.maxTtlMs },
    listPageSize: settings?.listPageSize,
    limits: {
      perOwner: settings?.maxTasksPerPrincipal ?? 10_000,
      total: settings?.maxTasks ?? 100_000,
    },
    arguments: {
      maxBytes: settings?.maxArgumentBytes ?? ARGUMENT_LIMITS.maxBytes,
      maxDepth: settings?.maxArgumentDepth ?? ARGUMENT_LIMITS.maxDepth,
    },
    middleware: parts.middleware,
  });
  await engine.start({
    // Tool legs run in the task service; resource and prompt legs (2025-11-25 tasks) beside it.
    runner: withResourcePromptLegs(tasks.runLeg, {
      registrations: resourcesAndPrompts,
      middleware: parts.middleware,
      maskErrorDetails,
      log,
      snapshots: parts.snapshots,
    }),
    worker: run.worker ?? true,
    concurrency: run.concurrency,
    log: (level, message) => log(level, message),
  });
  return {
    info: { name: parts.name, version: parts.version, title: options.title },
    instructions: options.instructions,
    registry: parts.registry,
    tasks,
    resourcesAndPrompts,
    middleware: parts.middleware,
    maskErrorDetails,
    shutdown: parts.shutdown,
    log,
    subscriptions: parts.subscriptions,
  };
}
