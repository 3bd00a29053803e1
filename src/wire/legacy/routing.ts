/**
 * Which `tools/call` requests become tasks on the 2025-11-25 era: the client decides, per request, with
 * `params.task`, within what the tool's `execution.taskSupport` allows.
 */
import type { CallToolRequest } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import type { ToolDefinition } from '../../server/registry.js';

/** The `params.task` of a task-augmented request, or `undefined` for a plain call. */
function taskParam(params: CallToolRequest['params']): Record<string, unknown> | undefined {
  const task = (params as { task?: unknown }).task;
  if (task === undefined || task === null) return undefined;
  if (typeof task !== 'object' || Array.isArray(task)) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'params.task must be an object ({ ttl? }).');
  }
  return task as Record<string, unknown>;
}

/**
 * Foreground or task. `forbidden` tools refuse `params.task` and `required` tools refuse plain calls, both with
 * -32601 as the era's tool-level negotiation prescribes.
 */
export function routeToolCall(
  tool: ToolDefinition,
  params: CallToolRequest['params'],
): 'foreground' | 'task' {
  const task = taskParam(params);
  if (task && tool.task.mode === 'forbidden') {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `Tool '${tool.name}' does not run as a task (execution.taskSupport is 'forbidden').`,
    );
  }
  if (!task && tool.task.mode === 'required') {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `Tool '${tool.name}' only runs as a task: call it with params.task (execution.taskSupport is 'required').`,
    );
  }
  return task ? 'task' : 'foreground';
}

/** The retention the client asked for in `params.task.ttl` (milliseconds), if any. */
export function requestedTtl(params: CallToolRequest['params']): number | undefined {
  const ttl = taskParam(params)?.ttl;
  if (ttl === undefined || ttl === null) return undefined;
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'params.task.ttl must be a positive integer (milliseconds).',
    );
  }
  return ttl;
}
