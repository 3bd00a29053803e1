import { retentionFromCreation } from '../../tasks/transitions.js';
import type { TaskRecord } from '../../tasks/types.js';

/** The fields every task shape of the 2026-07-28 tasks extension carries. */
function taskFields(record: TaskRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    taskId: record.taskId,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUpdatedAt: new Date(record.lastUpdatedAt).toISOString(),
    ttlMs: retentionFromCreation(record),
    pollIntervalMs: record.pollIntervalMs,
  };
  if (record.statusMessage !== undefined) fields.statusMessage = record.statusMessage;
  return fields;
}

/** `CreateTaskResult`: flat, `resultType: "task"`, no result/error/inputRequests. */
export function createTaskResult(record: TaskRecord): Record<string, unknown> {
  return { resultType: 'task', ...taskFields(record) };
}

/** `GetTaskResult`: the DetailedTask for the record's status (`resultType` is stamped by the SDK). */
export function detailedTask(record: TaskRecord): Record<string, unknown> {
  const task = taskFields(record);
  switch (record.status) {
    case 'completed':
      task.result = record.result ?? { content: [] };
      break;
    case 'failed':
      task.error = record.error ?? { code: -32603, message: record.statusMessage ?? 'The task failed.' };
      break;
    case 'input_required':
      task.inputRequests = record.inputRequests ?? {};
      break;
  }
  return task;
}
