/**
 * The 2026-07-28 tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): the server decides per `tools/call`
 * whether to answer with a task, clients poll `tasks/get`, answer input with `tasks/update`, cancel with
 * `tasks/cancel`. `tasks/result` and `tasks/list` do not exist on this era (the SDK answers -32601).
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode, TASKS_EXTENSION, tasksExtensionRequired } from '../../errors.js';
import type { ToolDefinition } from '../../server/registry.js';
import type { TaskService } from '../../server/task-service.js';
import { serveTaskMethod } from '../sdk-gaps.js';
import { detailedTask } from './shapes.js';

/** The capabilities this request declares (2026-07-28 carries them per request, in `_meta`). */
export function requestClientCapabilities(ctx: ServerContext): ClientCapabilities | undefined {
  // The SDK types the envelope as `{}`; its keys are the reserved `_meta` names.
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
}

/** Whether this request (and only this request: there is no carry-over) declares the tasks extension. */
export function declaresTasksExtension(ctx: ServerContext): boolean {
  return requestClientCapabilities(ctx)?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/** Decide-and-task: foreground or task for one `tools/call`, or -32021 when neither is allowed. */
export function routeToolCall(tool: ToolDefinition, ctx: ServerContext): 'foreground' | 'task' {
  const { mode } = tool.task;
  if (mode === 'forbidden') return 'foreground';
  const optedIn = declaresTasksExtension(ctx);
  if (mode === 'required' && !optedIn) {
    throw tasksExtensionRequired(
      `Tool '${tool.name}' only runs as a task, and this request did not declare the ${TASKS_EXTENSION} extension.`,
    );
  }
  return optedIn ? 'task' : 'foreground';
}

// Params are checked inside the handlers, after the capability gate: a non-declaring client gets -32021 first.
const TaskParams = z.looseObject({});

function taskIdOf(params: Record<string, unknown>, method: string): string {
  const { taskId } = params;
  if (typeof taskId !== 'string' || taskId.length === 0) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${method} needs a taskId string.`);
  }
  return taskId;
}

function requireDeclared(ctx: ServerContext, method: string): void {
  if (!declaresTasksExtension(ctx)) {
    throw tasksExtensionRequired(
      `${method} belongs to the ${TASKS_EXTENSION} extension, which this request did not declare.`,
    );
  }
}

export function serveModernTaskMethods(server: McpServer, tasks: TaskService): void {
  serveTaskMethod(server, 'tasks/get', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/get');
    const taskId = taskIdOf(params, 'tasks/get');
    return detailedTask(await tasks.find(taskId, ctx.http?.authInfo));
  });
  serveTaskMethod(server, 'tasks/update', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/update');
    const taskId = taskIdOf(params, 'tasks/update');
    // The SDK lifts `inputResponses` out of every request's params (its multi-round-trip seam).
    const inputResponses = ctx.mcpReq.inputResponses;
    if (!inputResponses || typeof inputResponses !== 'object') {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        'tasks/update needs an inputResponses object.',
      );
    }
    await tasks.answer(taskId, inputResponses, ctx.http?.authInfo);
    return {};
  });
  serveTaskMethod(server, 'tasks/cancel', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/cancel');
    const taskId = taskIdOf(params, 'tasks/cancel');
    await tasks.cancel(taskId, ctx.http?.authInfo);
    return {};
  });
}
