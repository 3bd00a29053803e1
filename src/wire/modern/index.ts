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
import {
  abbreviate,
  ProtocolError,
  ProtocolErrorCode,
  TASKS_EXTENSION,
  tasksExtensionRequired,
} from '../../errors.js';
import { declaresTasksExtension, MODERN_PROTOCOL_VERSION } from '../../protocol.js';
import { isCallToolResult } from '../../tasks/types.js';
import type { EraPorts, Routable, ServedEra, TaskOperations, WireEra } from '../era.js';
import { asToolCallResult, serveTaskMethod } from '../sdk-gaps/index.js';
import { TaskGetFastPath } from '../sdk-gaps/task-get-fast-path.js';
import { ToolCallFastPath } from '../sdk-gaps/tool-call-fast-path.js';
import { createTaskResult, detailedTask } from './shapes.js';
import { asksForTaskNotifications, openTaskListen, readTaskListen } from './task-listen.js';
import { subscribeToTasks } from './task-subscription.js';

/** The capabilities this request declares (2026-07-28 carries them per request, in `_meta`). */
function requestClientCapabilities(ctx: ServerContext): ClientCapabilities | undefined {
  // The SDK types the envelope as `{}`; its keys are the reserved `_meta` names.
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  return envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
}

/** Whether this request (and only this request: there is no carry-over) declares the tasks extension. */
function requestDeclaresTasks(ctx: ServerContext): boolean {
  return declaresTasksExtension(requestClientCapabilities(ctx));
}

/** Decide-and-task: foreground or task for one `tools/call`, or -32021 when neither is allowed. */
function routeToolCall(tool: Routable, ctx: ServerContext): 'foreground' | 'task' {
  const { mode } = tool.task;
  if (mode === 'forbidden') return 'foreground';
  const optedIn = requestDeclaresTasks(ctx);
  if (mode === 'required' && !optedIn) {
    throw tasksExtensionRequired(
      `Tool '${tool.name}' only runs as a task, and this request did not declare the ${TASKS_EXTENSION} extension.`,
    );
  }
  return optedIn ? 'task' : 'foreground';
}

// Params are checked inside the handlers, after the capability gate: a non-declaring client gets -32021 first (except
// an `inputResponses` that is not an object at all, which is refused before any handler; see sdk-gaps).
const TaskParams = z.looseObject({});

function taskIdOf(params: Record<string, unknown>, method: string): string {
  const { taskId } = params;
  if (typeof taskId !== 'string' || taskId.length === 0) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${method} needs a taskId string.`);
  }
  return taskId;
}

/**
 * The answers of a `tasks/update`. The SDK lifts `inputResponses` out of the params (its multi-round-trip seam); a
 * value that is not an object never gets this far (see `rejectMalformedInputResponses`), and entries it could not
 * read as a client's response (a bare value, a wrapped `{ method, result }`) are refused here, before anything is
 * applied: acknowledging them would leave the client believing it had answered.
 */
function inputResponsesOf(ctx: ServerContext): Record<string, unknown> {
  const { inputResponses, droppedInputResponseKeys: unreadable } = ctx.mcpReq;
  if (!inputResponses) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'tasks/update needs an inputResponses object.');
  }
  if (unreadable && unreadable.length > 0) {
    const shown = unreadable.slice(0, 5).map((key) => `'${abbreviate(key)}'`);
    const keys = shown.join(', ') + (unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : '');
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `tasks/update: inputResponses ${keys} must each be the client's result object (an ElicitResult, CreateMessageResult or ListRootsResult), not a bare value or a { method, result } wrapper.`,
    );
  }
  return inputResponses;
}

function requireDeclared(ctx: ServerContext, method: string): void {
  if (!requestDeclaresTasks(ctx)) {
    throw tasksExtensionRequired(
      `${method} belongs to the ${TASKS_EXTENSION} extension, which this request did not declare.`,
    );
  }
}

function serveModernTaskMethods(server: McpServer, tasks: TaskOperations): void {
  serveTaskMethod(server, 'tasks/get', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/get');
    const taskId = taskIdOf(params, 'tasks/get');
    return detailedTask(await tasks.find(taskId, ctx.http?.authInfo));
  });
  serveTaskMethod(server, 'tasks/update', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/update');
    const taskId = taskIdOf(params, 'tasks/update');
    await tasks.answer(taskId, inputResponsesOf(ctx), ctx.http?.authInfo);
    return {};
  });
  serveTaskMethod(server, 'tasks/cancel', TaskParams, async (params, ctx) => {
    requireDeclared(ctx, 'tasks/cancel');
    const taskId = taskIdOf(params, 'tasks/cancel');
    await tasks.cancel(taskId, ctx.http?.authInfo);
    return {};
  });
}

/** The 2026-07-28 era: the server decides per `tools/call`, within the tool's mode and the request's declaration. */
export const modernEra: WireEra = {
  version: MODERN_PROTOCOL_VERSION,
  capabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  listsTaskMode: false,
  // An ask's input requests go back inside the result, where nothing else checks them against what the client declared.
  checksInputCapabilities: true,
  // No per-tool task field on this wire: the mode is listed under `_meta` on every era.
  listTool() {},
  serve(server, ports) {
    serveModernTaskMethods(server, ports.tasks);
    return modernToolCalls(ports);
  },
  requestToolCalls: modernToolCalls,
  statelessShortcuts(ports) {
    const polls = new TaskGetFastPath(ports);
    const calls = new ToolCallFastPath({ ...ports, era: modernEra, encoding: 'modern' });
    return [
      (request, body, authInfo) => polls.answer(request, body, authInfo),
      (request, body, authInfo) => calls.answer(request, body, authInfo),
    ];
  },
  // Pushed task notifications: `subscriptions/listen` naming task ids, over an SSE stream or the stdio connection.
  taskListen: {
    asks: asksForTaskNotifications,
    read: readTaskListen,
    openStream: openTaskListen,
    subscribe: subscribeToTasks,
  },
};

/** How this era handles a `tools/call`: the same on an SDK server and on the lean path (no server state). */
function modernToolCalls({ tasks }: EraPorts): ServedEra {
  return {
    // Declared per request: there is no initialization to remember them from.
    clientCapabilities: requestClientCapabilities,
    routeToolCall: (tool, _params, ctx) => routeToolCall(tool, ctx),
    async createToolTask(tool, args, caller) {
      const record = await tasks.create(tool, args, caller);
      // Completed already (the tool's `task.immediateResultMs`): the spec lets the server answer without a task.
      if (record.status === 'completed' && isCallToolResult(record.result)) return record.result;
      return asToolCallResult(createTaskResult(record));
    },
  };
}
