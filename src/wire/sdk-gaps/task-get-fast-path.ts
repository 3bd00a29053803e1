/**
 * A lean path for the 2026-07-28 `tasks/get` poll: answered from the task service, without `createMcpHandler`.
 *
 * Gap: `createMcpHandler` (`@modelcontextprotocol/server` 2.4) builds and connects a fresh `McpServer` for every
 * request and runs each message through its transport, codec and zod checks; for a poll that only reads one record
 * that machinery is most of the cost (CPU profile of a 2026-07-28 poll: building the server, stream bookkeeping,
 * per-message zod checks, the Error with a stack built on every per-request close). The SDK has no seam to serve one
 * method without it (tasks tracking: typescript-sdk #2189), and it does not export its standard-header check
 * (`validateStandardRequestHeaders`); no upstream issue is filed for that.
 *
 * So this path only takes a request it can prove the SDK would accept exactly as sent: a plain, well-formed
 * `tasks/get` whose headers say what the body says (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` equal to the
 * task id, no encoding), whose `_meta` is the bare envelope with a valid client identity that declares the tasks
 * extension, and whose task the caller owns. Anything else (a hostile or unusual request, an unknown or foreign task
 * id, an engine error, a closing server) returns `undefined` and the SDK answers it as before, so every error answer
 * stays the SDK's own. The request's span is the SDK path's (name, attributes), opened once the record is read. The answer built here is the SDK's encoding of the same result: the handler's
 * fields, then `resultType: "complete"`, then `_meta` with the server's identity; `{ result, jsonrpc, id }`, 200,
 * `content-type: application/json`. test/server/task-get-fast-path.test.ts compares both paths byte for byte.
 */
import {
  type AuthInfo,
  CLIENT_CAPABILITIES_META_KEY,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import { declaresTasksExtension } from '../../protocol.js';
import { traceRequest } from '../../tracing/spans.js';
import type { HttpPorts, TaskOperations } from '../era.js';
import { detailedTask } from '../modern/shapes.js';
import { hasExactly, jsonAnswer, leanContext, plainModernRequest } from './plain-requests.js';

/** Task ids this path takes: taskmcp's own (and nothing an `Mcp-Name` header would need to encode). */
export const PLAIN_TASK_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface TaskGetFastPathDeps extends Pick<HttpPorts, 'info' | 'shutdown'> {
  tasks: Pick<TaskOperations, 'find'>;
}

/**
 * The caller's task, or `undefined` when it is not found, not the caller's, or the engine failed: a lean path then
 * leaves the request to the SDK, which gives its own error answer.
 */
export async function ownedTask(
  tasks: Pick<TaskOperations, 'find'>,
  taskId: string,
  authInfo: AuthInfo | undefined,
): Promise<Awaited<ReturnType<TaskOperations['find']>> | undefined> {
  try {
    return await tasks.find(taskId, authInfo);
  } catch {
    return undefined;
  }
}

export class TaskGetFastPath {
  constructor(private readonly deps: TaskGetFastPathDeps) {}

  /** The SDK's answer to `request` if it is a plain `tasks/get` this path can serve; `undefined` to leave it. */
  async answer(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
  ): Promise<Response | undefined> {
    const taskId = plainTaskGet(request, body);
    if (taskId === undefined || this.deps.shutdown.aborted) return undefined;
    const record = await ownedTask(this.deps.tasks, taskId, authInfo);
    if (!record) return undefined;
    const message = body as { id: string | number; params: { _meta: Record<string, unknown> } };
    const { id } = message;
    // The span the SDK path opens for the request (same name and attributes); it starts once the record is read.
    const { _meta } = message.params;
    const ctx = leanContext({ method: 'tasks/get', id, _meta, envelope: _meta }, request, authInfo);
    const result = await traceRequest(ctx, { taskId }, async () => ({
      ...detailedTask(record),
      resultType: 'complete',
      _meta: { [SERVER_INFO_META_KEY]: this.deps.info },
    }));
    return jsonAnswer(result, id);
  }
}

/** The task id of a `tasks/get` the SDK would accept as is, or `undefined`. */
function plainTaskGet(request: Request, body: unknown): string | undefined {
  const plain = plainModernRequest(request, body, 'tasks/get', (params) => params.taskId);
  if (!plain || !hasExactly(plain.params, ['taskId', '_meta'])) return undefined;
  // The method belongs to the tasks extension: a request that does not declare it gets the SDK path's -32021.
  const meta = plain.params._meta as Record<string, unknown>;
  if (!declaresTasksExtension(meta[CLIENT_CAPABILITIES_META_KEY])) return undefined;
  const { taskId } = plain.params;
  return typeof taskId === 'string' && PLAIN_TASK_ID.test(taskId) ? taskId : undefined;
}
