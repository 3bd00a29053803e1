/**
 * Protocol constants shared by the server and the client: one dependency-free module, so the two sides cannot
 * drift apart.
 */

/** The protocol revision of the tasks extension (SEP-2663), where a request carries its own envelope. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** The protocol revision of the experimental tasks (SEP-1686), with initialization and sessions. */
export const LEGACY_PROTOCOL_VERSION = '2025-11-25';

/** The id under which the tasks extension is negotiated (SEP-2663, 2026-07-28). */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * Whether declared client capabilities name the tasks extension: how a 2026-07-28 request opts in to tasks, each
 * request for itself. Takes the capabilities as a request carries them, checked or not.
 */
export function declaresTasksExtension(capabilities: unknown): boolean {
  if (typeof capabilities !== 'object' || capabilities === null) return false;
  const { extensions } = capabilities as { extensions?: unknown };
  return (
    typeof extensions === 'object' &&
    extensions !== null &&
    (extensions as Record<string, unknown>)[TASKS_EXTENSION] !== undefined
  );
}

/**
 * `tools/list` `_meta` key where taskmcp servers advertise a tool's task mode: the 2026-07-28 wire has no field for
 * it (on 2025-11-25, `execution.taskSupport` says the same).
 */
export const TASK_MODE_META = 'taskmcp.dev/taskMode';

/**
 * How a tool (or, on 2025-11-25, a resource or prompt) relates to tasks: `forbidden` always runs in the foreground,
 * `optional` runs as a task when the client asks for one, `required` only runs as a task.
 */
export type TaskMode = 'forbidden' | 'optional' | 'required';

/** The five task statuses shared by both protocol eras. */
export const TASK_STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

/** A task in a terminal status never changes again. */
export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
