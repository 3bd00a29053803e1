/** `taskmcp run --metrics` and `taskmcp worker --metrics-port`: turn on the metrics of a loaded server module. */
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { TaskMCP } from '../server/taskmcp.js';
import { usageError } from './exit-codes.js';

/** Before the server starts, so the metrics see the engine's first leg. */
export function enableMetricsOf(loaded: object, flag: string): TaskMetrics {
  // The module may bring its own (older) copy of taskmcp.
  const server = loaded as Partial<Pick<TaskMCP, 'enableMetrics'>>;
  if (typeof server.enableMetrics !== 'function') {
    throw usageError(`${flag} needs a server built with a taskmcp that has metrics: upgrade taskmcp.`);
  }
  return server.enableMetrics();
}
