/**
 * The 2025-11-25 era with its experimental tasks (SEP-1686). The client opts in per `tools/call` with
 * `params.task`; the server answers with a nested `CreateTaskResult` and serves `tasks/get`, `tasks/result`,
 * `tasks/list` and `tasks/cancel`, plus status and progress notifications. Same engine, tools and context
 * forwarding as the 2026-07-28 wire; only the shapes and the conversation differ.
 */
import {
  type AuthInfo,
  type CallToolRequest,
  isLegacyRequest,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { LEGACY_PROTOCOL_VERSION } from '../../protocol.js';
import type { TaskRecord } from '../../tasks/types.js';
import type { ServingUnit, TaskCaller, TaskOperations, TaskTarget, WireEra, WireLogger } from '../era.js';
import {
  advertiseTaskSupport,
  asLegacyCreateTaskResult,
  notifyOnConnection,
  onServerClose,
} from '../sdk-gaps/index.js';
import { LegacyTaskFastPath } from '../sdk-gaps/legacy-task-fast-path.js';
import { SessionCallFastPath } from '../sdk-gaps/session-call-fast-path.js';
import { ToolCallFastPath } from '../sdk-gaps/tool-call-fast-path.js';
import { acceptInputAnswer } from './input.js';
import { serveLegacyTaskMethods } from './methods.js';
import { relayForConnection, sendTaskLog } from './notifications.js';
import { requestedTtl, routeRequest, routeToolCall } from './routing.js';
import { createTaskResult } from './shapes.js';

/** The `tasks` server capability: list, cancel, and task-augmented `tools/call`. */
const TASKS_CAPABILITY = { list: {}, cancel: {}, requests: { tools: { call: {} } } };

/**
 * The `tasks` capability of a server some of whose resources or prompts run as tasks: `requests` is exhaustive, so
 * `resources.read` and `prompts.get` are listed only when at least one of them can.
 */
function tasksCapability(taskCapable: { resources: boolean; prompts: boolean }) {
  return {
    ...TASKS_CAPABILITY,
    requests: {
      ...TASKS_CAPABILITY.requests,
      ...(taskCapable.resources ? { resources: { read: {} } } : {}),
      ...(taskCapable.prompts ? { prompts: { get: {} } } : {}),
    },
  };
}

interface LegacyTasks {
  /**
   * Create the task for a task-augmented `tools/call` (or `resources/read`, `prompts/get`, filed under the
   * resource's or prompt's task name) and answer with its `CreateTaskResult`.
   */
  createTask(
    target: TaskTarget,
    args: { raw: Record<string, unknown>; parsed: unknown },
    caller: TaskCaller,
    params: CallToolRequest['params'] | Record<string, unknown>,
    ctx: ServerContext,
  ): Promise<ReturnType<typeof asLegacyCreateTaskResult>>;
}

/**
 * A `request` unit answers one HTTP request (the SDK serves this era statelessly), so notifications after the
 * `tools/call` response travel on the client's `tasks/result` stream; a `connection` (given its SDK server) relays
 * them itself. Without a connection this needs no SDK server at all (the lean path creates tasks with it too).
 */
function legacyTaskCreation(
  tasks: TaskOperations,
  log: WireLogger,
  connection?: McpServer,
): LegacyTasks & { relaysOnConnection(taskId: string): boolean } {
  const relayed = new Set<string>();
  const closed = new AbortController();
  if (connection) onServerClose(connection, () => closed.abort());

  const relay = (taskId: string, run: () => Promise<void>) => {
    relayed.add(taskId);
    void run()
      .catch((error: Error) => log('debug', `task ${taskId}: notification relay stopped: ${error.message}`))
      .finally(() => relayed.delete(taskId));
  };

  return {
    relaysOnConnection: (taskId) => relayed.has(taskId),
    async createTask(target, args, caller, params, ctx) {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      // A connection also carries the task's log records, watched before its first leg can send one.
      let unwatchLogs: (() => void) | undefined;
      const watchLogs =
        connection &&
        (async (taskId: string) => {
          unwatchLogs = await tasks.watchLogs(taskId, (entry) => {
            sendTaskLog(connection, taskId, entry).catch((error: Error) =>
              log('debug', `task ${taskId}: log record not relayed: ${error.message}`),
            );
          });
        });
      let record: TaskRecord;
      try {
        record = await tasks.create(target, args, { ...caller, progressToken }, requestedTtl(params), {
          beforeQueued: watchLogs,
        });
      } catch (error) {
        unwatchLogs?.();
        throw error;
      }
      if (connection) {
        const authInfo: AuthInfo | undefined = caller.authInfo;
        relay(record.taskId, () =>
          relayForConnection(
            tasks,
            record,
            authInfo,
            (n) => notifyOnConnection(connection, n),
            closed.signal,
          ).finally(() => unwatchLogs?.()),
        );
      }
      return asLegacyCreateTaskResult(createTaskResult(record));
    },
  };
}

/** The era's task methods on one SDK server, and how it creates tasks there. */
function serveLegacyTasks(
  server: McpServer,
  tasks: TaskOperations,
  log: WireLogger,
  unit: ServingUnit,
): LegacyTasks {
  const creation = legacyTaskCreation(tasks, log, unit === 'connection' ? server : undefined);
  serveLegacyTaskMethods(server, { tasks, unit, log, relaysOnConnection: creation.relaysOnConnection });
  return creation;
}

/**
 * The 2025-11-25 era: the client opts in per request with `params.task`, within the mode each tool, resource and
 * prompt lists; the SDK remembers the capabilities the client declared at initialization.
 */
export const legacyEra: WireEra = {
  version: LEGACY_PROTOCOL_VERSION,
  capabilities: { tasks: TASKS_CAPABILITY },
  listsTaskMode: true,
  // Input requests go out as requests to the client, which the SDK checks against its capabilities itself.
  checksInputCapabilities: false,
  listTool: advertiseTaskSupport,
  serve(server, { tasks, log }, unit) {
    const legacyTasks = serveLegacyTasks(server, tasks, log, unit);
    return {
      clientCapabilities: () => server.server.getClientCapabilities(),
      routeToolCall: (tool, params) => routeToolCall(tool, params),
      createToolTask: (tool, args, caller, params, ctx) =>
        legacyTasks.createTask(tool, args, caller, params, ctx),
      requestTasks: { capability: tasksCapability, route: routeRequest, createTask: legacyTasks.createTask },
    };
  },
  requestToolCalls({ tasks, log }) {
    const { createTask } = legacyTaskCreation(tasks, log);
    return {
      // What a per-request SDK server reports: served statelessly, no `initialize` ever reaches it.
      clientCapabilities: () => undefined,
      routeToolCall: (tool, params) => routeToolCall(tool, params),
      createToolTask: createTask,
    };
  },
  statelessShortcuts(ports) {
    const calls = new ToolCallFastPath({ ...ports, era: legacyEra, encoding: 'legacy' });
    const reads = new LegacyTaskFastPath(ports);
    return [
      (request, body, authInfo) => calls.answer(request, body, authInfo),
      (request, body, authInfo) => reads.answer(request, body, authInfo),
      // A client's answer to a task's input request: no SDK server is waiting for it (stateless serving).
      (request, body, authInfo) => acceptInputAnswer(request, body, authInfo, ports.tasks, ports.log),
    ];
  },
  // Wired as the SDK documents it: `isLegacyRequest` in front of a handler that rejects this era.
  httpSessions: {
    owns: isLegacyRequest,
    shortcut(ports) {
      const calls = new SessionCallFastPath({ ...ports, era: legacyEra });
      return (request, body, authInfo, session, sdk) => calls.answer(request, body, authInfo, session, sdk);
    },
  },
};
