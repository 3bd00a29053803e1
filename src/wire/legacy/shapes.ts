/**
 * The 2025-11-25 task shapes (SEP-1686): a nested `CreateTaskResult`, the flat `Task` with `ttl`/`pollInterval`,
 * and the `tasks/result` payload. Records are era-neutral; this era's one different reading is that a tool result
 * with `isError: true` ends the task `failed` (2026-07-28 says `completed`), with the result still retrievable.
 */
import { RELATED_TASK_META_KEY } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import { retentionFromCreation } from '../../tasks/transitions.js';
import { isCallToolResult, type TaskRecord, type TaskResult, type TaskStatus } from '../../tasks/types.js';

export { RELATED_TASK_META_KEY };

/** The task's status as this era reports it (only a tool's result has `isError`). */
export function legacyStatus(record: TaskRecord): TaskStatus {
  const toolError = isCallToolResult(record.result) && record.result.isError === true;
  return record.status === 'completed' && toolError ? 'failed' : record.status;
}

/** The `Task` object: `tasks/get`, `tasks/cancel`, `tasks/list` entries and `notifications/tasks/status` params. */
export function legacyTask(record: TaskRecord): Record<string, unknown> {
  const status = legacyStatus(record);
  const task: Record<string, unknown> = {
    taskId: record.taskId,
    status,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUpdatedAt: new Date(record.lastUpdatedAt).toISOString(),
    ttl: retentionFromCreation(record),
    pollInterval: record.pollIntervalMs,
  };
  const message = record.statusMessage ?? (status === 'failed' ? firstText(record.result) : undefined);
  if (message !== undefined) task.statusMessage = message;
  return task;
}

/** `CreateTaskResult`: the task nested under `task`, and nothing of the operation's result. */
export function createTaskResult(record: TaskRecord): { task: Record<string, unknown> } {
  return { task: legacyTask(record) };
}

/** The `_meta` that ties a message to a task. */
export function relatedTaskMeta(taskId: string): Record<string, { taskId: string }> {
  return { [RELATED_TASK_META_KEY]: { taskId } };
}

/**
 * What `tasks/result` answers for a terminal task: exactly what the request that created it (`tools/call`,
 * `resources/read` or `prompts/get`) would have returned, tagged with the related-task `_meta`, or the same JSON-RPC
 * error thrown.
 */
export function taskPayload(record: TaskRecord): TaskResult {
  if (record.status === 'completed' && record.result) {
    const result = record.result;
    return { ...result, _meta: { ...result._meta, ...relatedTaskMeta(record.taskId) } };
  }
  if (record.status === 'failed' && record.error) {
    throw new ProtocolError(record.error.code, record.error.message, record.error.data);
  }
  if (record.status === 'cancelled') {
    throw new ProtocolError(ProtocolErrorCode.InternalError, `Task ${record.taskId} was cancelled.`);
  }
  throw new ProtocolError(
    ProtocolErrorCode.InternalError,
    `Task ${record.taskId} ended (${record.status}) without a result.`,
  );
}

function firstText(result: TaskResult | undefined): string | undefined {
  if (!isCallToolResult(result)) return undefined;
  const block = result.content.find((item) => item.type === 'text');
  return block?.type === 'text' ? block.text : undefined;
}
