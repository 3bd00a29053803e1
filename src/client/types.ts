import type { CallToolResult } from '@modelcontextprotocol/client';
import { z } from 'zod';

import { TASK_MODE_META, TASK_STATUSES, type TaskMode, type TaskStatus } from '../protocol.js';

export { isTerminal, TASK_MODE_META, type TaskStatus } from '../protocol.js';

export const TaskStatusSchema = z.enum(TASK_STATUSES);

/** A task as the server describes it (`tasks/get`): the status plus the result, error or input requests. */
export interface TaskInfo {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
  result?: CallToolResult;
  error?: { code: number; message: string; data?: unknown };
  inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>;
}

export const TaskInfoSchema = z.looseObject({
  taskId: z.string(),
  status: TaskStatusSchema,
  statusMessage: z.string().optional(),
  createdAt: z.string(),
  lastUpdatedAt: z.string(),
  ttlMs: z.number().nullable(),
  pollIntervalMs: z.number().optional(),
  result: z.looseObject({}).optional(),
  error: z.looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() }).optional(),
  inputRequests: z
    .record(z.string(), z.looseObject({ method: z.string(), params: z.looseObject({}).optional() }))
    .optional(),
});

export const AckSchema = z.looseObject({});

/** The task ended `failed`: the server hit a protocol fault. Carries the JSON-RPC error it reported. */
export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
  constructor(
    readonly taskId: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The task ended `cancelled` (by this client or anyone else holding its id). */
export class TaskCancelledError extends Error {
  override readonly name = 'TaskCancelledError';
  constructor(readonly taskId: string) {
    super(`Task ${taskId} was cancelled.`);
  }
}

/** The caller's deadline passed before the call finished (the task, if any, was asked to cancel). */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly taskId?: string,
  ) {
    super(
      `The call did not finish within ${timeoutMs} ms${taskId ? ` (task ${taskId} was cancelled)` : ''}.`,
    );
  }
}

export type { TaskMode };

/** How a listed tool relates to tasks, when the server says (`undefined` if it does not). */
export function taskModeOf(tool: {
  _meta?: Record<string, unknown>;
  execution?: { taskSupport?: string };
}): TaskMode | undefined {
  const mode = tool._meta?.[TASK_MODE_META] ?? tool.execution?.taskSupport;
  return mode === 'forbidden' || mode === 'optional' || mode === 'required' ? mode : undefined;
}
