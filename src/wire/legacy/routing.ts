/**
 * Which requests become tasks on the 2025-11-25 era: the client decides, per request, with `params.task`, within
 * what the tool's `execution.taskSupport` allows (or, for `resources/read` and `prompts/get`, the resource's or
 * prompt's task mode).
 */
import type { CallToolRequest } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import type { TaskMode } from '../../protocol.js';
import type { Routable } from '../era.js';

/** The params of a request that may carry `params.task`. */
type TaskAugmentable = CallToolRequest['params'] | Record<string, unknown>;

/** The `params.task` of a task-augmented request, or `undefined` for a plain one. */
function taskParam(params: TaskAugmentable): Record<string, unknown> | undefined {
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
export function routeToolCall(tool: Routable, params: CallToolRequest['params']): 'foreground' | 'task' {
  return routeRequest(`Tool '${tool.name}'`, tool.task.mode, params, 'execution.taskSupport');
}

/**
 * Foreground or task for a request to `subject` (`Tool 'x'`, `Resource 'y'`, `Prompt 'z'`) in `mode`: -32601 for
 * `params.task` where the mode is `forbidden`, and for a plain request where it is `required`.
 */
export function routeRequest(
  subject: string,
  mode: TaskMode,
  params: TaskAugmentable,
  advertisedAs = 'task mode',
): 'foreground' | 'task' {
  const task = taskParam(params);
  if (task && mode === 'forbidden') {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `${subject} does not run as a task (${advertisedAs} is 'forbidden').`,
    );
  }
  if (!task && mode === 'required') {
    throw new ProtocolError(
      ProtocolErrorCode.MethodNotFound,
      `${subject} only runs as a task: send the request with params.task (${advertisedAs} is 'required').`,
    );
  }
  return task ? 'task' : 'foreground';
}

/** The retention the client asked for in `params.task.ttl` (milliseconds), if any. */
export function requestedTtl(params: TaskAugmentable): number | undefined {
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
