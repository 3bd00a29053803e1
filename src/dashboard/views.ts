/**
 * What the dashboard shows of a task: a short summary for lists and the stream, and a detail with the arguments
 * and the outcome. Both are built field by field from an allowlist, never by copying the record, so nothing that
 * is not listed here can reach a browser: the caller's context snapshot (token, headers) is not part of a record,
 * and the record's own internals (answers to input requests, opaque request state, progress tokens, reconciler
 * bookkeeping) stay on the server too.
 */
import type { JsonRpcErrorObject } from '../errors.js';
import type { TaskRecord, TaskResult, TaskStatus } from '../tasks/types.js';

export const STATUSES: readonly TaskStatus[] = [
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
];

export interface TaskSummary {
  taskId: string;
  toolName: string;
  /** The principal the task belongs to; only in the admin view. */
  owner?: string;
  status: TaskStatus;
  statusMessage?: string;
  progress?: { progress: number; total?: number; message?: string };
  /** Epoch milliseconds. */
  createdAt: number;
  lastUpdatedAt: number;
  /** When an ended task is forgotten. */
  expiresAt?: number;
}

export interface TaskDetail extends TaskSummary {
  args: Record<string, unknown>;
  result?: TaskResult;
  error?: JsonRpcErrorObject;
  /** What the task waits for while `input_required` (method and parameters of each request). */
  inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>;
  attempt: number;
  maxAttempts: number;
  leg: number;
  ttlMs: number;
  timeoutMs?: number;
}

export function summaryOf(record: TaskRecord, withOwner: boolean): TaskSummary {
  const summary: TaskSummary = {
    taskId: record.taskId,
    toolName: record.toolName,
    status: record.status,
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
  };
  if (withOwner) summary.owner = record.owner;
  if (record.statusMessage !== undefined) summary.statusMessage = record.statusMessage;
  if (record.progress) {
    const { progress, total, message } = record.progress;
    summary.progress = { progress, total, message };
  }
  if (record.expiresAt !== undefined) summary.expiresAt = record.expiresAt;
  return summary;
}

export function detailOf(record: TaskRecord, withOwner: boolean): TaskDetail {
  const detail: TaskDetail = {
    ...summaryOf(record, withOwner),
    args: record.args,
    attempt: record.attempt,
    maxAttempts: record.retry?.attempts ?? 1,
    leg: record.leg,
    ttlMs: record.ttlMs,
  };
  if (record.timeoutMs !== undefined) detail.timeoutMs = record.timeoutMs;
  if (record.result) detail.result = record.result;
  if (record.error) detail.error = record.error;
  if (record.inputRequests) {
    detail.inputRequests = Object.fromEntries(
      Object.entries(record.inputRequests).map(([key, { method, params }]) => [key, { method, params }]),
    );
  }
  return detail;
}
