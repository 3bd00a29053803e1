/**
 * A lean path for the stateless 2025-11-25 `tasks/get` poll and for `tasks/result` of a task that has already
 * completed: answered from the task service, without `createMcpHandler`'s legacy fallback.
 *
 * Gap: served statelessly, every 2025-11-25 request makes `createMcpHandler` (`@modelcontextprotocol/server` 2.4) build
 * and connect a fresh `McpServer` and a fresh `WebStandardStreamableHTTPServerTransport`, run the message through its
 * zod checks and answer on an SSE stream it then tears down; for a request that only reads one record that machinery
 * is most of the cost. The SDK has no seam to serve one method without it (tasks tracking: typescript-sdk #2189).
 *
 * So this path only takes a request it can prove the SDK would accept exactly as sent: a POST with a JSON content
 * type, an `Accept` naming both JSON and SSE (the transport's own substring test), `MCP-Protocol-Version: 2025-11-25`,
 * no 2026-07-28 or session header, a body of exactly `jsonrpc`, `id`, `method`, `params: { taskId }` that the SDK
 * classifies as 2025-era, and a task the caller owns. For `tasks/result` the task must already be `completed` with a
 * result (a running task blocks and streams input requests; a failed or cancelled one answers an error): anything else
 * returns `undefined` and the SDK answers as before, so every error answer stays the SDK's own. The request's span is
 * the SDK path's (name, attributes), opened once the record is read.
 *
 * The answer is what the SDK's stateless transport sends: 200, its four SSE headers, and one `message` event holding
 * `{ result, jsonrpc, id }` (no event id: the fallback has no event store). test/server/legacy-task-fast-path.test.ts
 * compares both paths byte for byte.
 */
import type { AuthInfo } from '@modelcontextprotocol/server';
import { traceRequest } from '../../tracing/spans.js';
import type { HttpPorts, TaskOperations } from '../era.js';
import { legacyTask, taskPayload } from '../legacy/shapes.js';
import { hasExactly, leanContext, plainLegacyRequest, sseAnswer } from './plain-requests.js';
import { ownedTask, PLAIN_TASK_ID } from './task-get-fast-path.js';

export interface LegacyTaskFastPathDeps extends Pick<HttpPorts, 'shutdown'> {
  tasks: Pick<TaskOperations, 'find'>;
}

type LegacyTaskRead = { method: 'tasks/get' | 'tasks/result'; taskId: string; id: string | number };

export class LegacyTaskFastPath {
  constructor(private readonly deps: LegacyTaskFastPathDeps) {}

  /** The SDK's answer to `request` if it is a plain 2025-11-25 task read this path can serve; `undefined` to leave it. */
  async answer(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
  ): Promise<Response | undefined> {
    const read = plainTaskRead(request, body);
    if (read === undefined || this.deps.shutdown.aborted) return undefined;
    const { method, taskId, id } = read;
    const record = await ownedTask(this.deps.tasks, taskId, authInfo);
    if (!record) return undefined;
    if (method === 'tasks/result' && !(record.status === 'completed' && record.result)) return undefined;
    // The span the SDK path opens for the request (same name and attributes); it starts once the record is read.
    const ctx = leanContext({ method, id }, request, authInfo);
    const result = await traceRequest(ctx, { taskId }, async () =>
      method === 'tasks/get' ? legacyTask(record) : taskPayload(record),
    );
    return sseAnswer(result, id);
  }
}

/** The `tasks/get` or `tasks/result` of a 2025-11-25 request the SDK's stateless fallback would accept as is. */
function plainTaskRead(request: Request, body: unknown): LegacyTaskRead | undefined {
  const plain = plainLegacyRequest(request, body, ['tasks/get', 'tasks/result']);
  if (!plain || !hasExactly(plain.params, ['taskId'])) return undefined;
  const { taskId } = plain.params;
  if (typeof taskId !== 'string' || !PLAIN_TASK_ID.test(taskId)) return undefined;
  return { method: plain.method as LegacyTaskRead['method'], taskId, id: plain.id };
}
