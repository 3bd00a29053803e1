/**
 * A lean path for the `tools/call` that creates a task over stateless HTTP, on both eras: a 2026-07-28 call that
 * declares the tasks extension, and a 2025-11-25 call with `params.task` (served statelessly, `sessions` off), run
 * through the same dispatch as on an SDK server, without `createMcpHandler`.
 *
 * Gap: `createMcpHandler` (`@modelcontextprotocol/server` 2.4) builds and connects a fresh `McpServer` for every
 * request (and on 2025-11-25 a fresh stateless transport answering on an SSE stream), registers every tool on it and
 * runs the message through its codec and zod checks; for a call that only stores a task that machinery is most of
 * the cost (CPU profile of the bench's round trip: creating the task dominated once polls took the lean paths). The
 * SDK has no seam to serve one method without it (tasks tracking: typescript-sdk #2189).
 *
 * So this path only takes a call it can prove the SDK would accept exactly as sent and that certainly becomes a task:
 * a plain request (plain-requests.ts: headers matching the body, exactly the JSON-RPC keys, on 2026-07-28 the bare
 * envelope declaring the extension, the SDK's own era classification), `params` of exactly `name`, optional
 * `arguments` object and `_meta` (2026-07-28) or `task` (`{}` or `{ ttl }`, a positive integer: 2025-11-25), a tool
 * with a task mode that is not `forbidden`, no preflight and no `x-mcp-header` declaration (the SDK's `Mcp-Param-*`
 * check), arguments its schema accepts and a route the era decides is a task. That much runs before anything is
 * stored or any span opened; anything else (and a closing server) returns `undefined`, and the SDK answers as before,
 * so every error answer stays the SDK's own. The rest is the server's own dispatch (`LeanTaskCalls`, from
 * server/sdk-server.ts: the same code an SDK server runs), in the request span the SDK path opens (name, attributes).
 * A creation that fails after that (a task limit, an engine error; nothing is stored) is left to the SDK as well,
 * which runs the call again and answers with its own error; that request's trace then holds the failed attempt's
 * span too.
 *
 * The answer is the SDK's encoding of the same result: on 2026-07-28 `{ content: [], ...CreateTaskResult, _meta }`
 * with the server's identity (McpServer's empty `content`, see tool-calls.ts) as JSON, or a tool's immediate result
 * (`task.immediateResultMs`) stamped as the SDK stamps it when it is text content, the completed task otherwise
 * (the SDK's own result validation may reorder what it sends); on 2025-11-25 `{ content: [], task }` in one SSE
 * `message` event. test/server/task-create-fast-path.test.ts compares both paths byte for byte, and the task records
 * and context snapshots they store.
 */
import { type AuthInfo, type CallToolRequest, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { HttpPorts, WireEra } from '../era.js';
import { isPlainObject } from '../json-body.js';
import {
  hasExactly,
  jsonAnswer,
  leanContext,
  type PlainRequest,
  plainLegacyRequest,
  plainModernRequest,
  sseAnswer,
} from './plain-requests.js';
import { CREATED_TASK, tracedToolCall } from './tool-calls.js';

/** Tool names this path takes (nothing an `Mcp-Name` header would need to encode). */
const PLAIN_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

type CallParams = CallToolRequest['params'];

export interface TaskCreateFastPathDeps extends Pick<HttpPorts, 'calls' | 'info' | 'shutdown'> {
  /** The era whose calls this path takes, and how they are written on the wire. */
  era: WireEra;
  encoding: 'modern' | 'legacy';
}

export class TaskCreateFastPath {
  constructor(private readonly deps: TaskCreateFastPathDeps) {}

  /** The SDK's answer to `request` if it is a plain task-creating `tools/call`; `undefined` to leave it. */
  async answer(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
  ): Promise<Response | undefined> {
    const { deps } = this;
    const call = this.plainCall(request, body);
    if (!call || deps.shutdown.aborted) return undefined;
    const { id, params } = call;
    const modern = deps.encoding === 'modern';
    const meta = modern ? (params._meta as Record<string, unknown>) : undefined;
    // What the SDK's context gives the dispatch of a stateless request (no session, no multi-round-trip state).
    const ctx = leanContext(
      {
        id,
        method: 'tools/call',
        _meta: meta,
        envelope: meta,
        signal: request.signal,
        inputResponses: undefined,
        requestState: () => undefined,
      },
      request,
      authInfo,
    );
    const run = await deps.calls.admit(deps.era, params, ctx);
    if (!run) return undefined;
    let result: Record<string, unknown>;
    try {
      result = (await tracedToolCall(params, ctx, run, () => true)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (!modern) return sseAnswer(result, id);
    return jsonAnswer(modernAnswer(result, deps.info), id);
  }

  private plainCall(
    request: Request,
    body: unknown,
  ): { id: string | number; params: CallParams } | undefined {
    // First what is cheap to tell: most calls this path leaves (to a foreground tool) go no further.
    if (!isPlainObject(body) || body.method !== 'tools/call' || !isPlainObject(body.params)) return undefined;
    const { name } = body.params;
    if (typeof name !== 'string' || !PLAIN_TOOL_NAME.test(name) || !this.deps.calls.takes(name)) {
      return undefined;
    }
    if (this.deps.encoding === 'modern') {
      const modern = plainModernRequest(request, body, 'tools/call', (params) => params.name);
      return modern && plainParams(modern, ['_meta']);
    }
    const legacy = plainLegacyRequest(request, body, ['tools/call']);
    if (!legacy || !isPlainTaskParam(legacy.params.task)) return undefined;
    return plainParams(legacy, ['task']);
  }
}

/**
 * The SDK's encoding of a 2026-07-28 answer: a `CreateTaskResult`, or the tool's immediate result when it is one the
 * SDK sends unchanged but for the stamps (text content only); any other immediate result is answered with its task,
 * already completed, which the spec allows just as well.
 */
function modernAnswer(result: Record<string, unknown>, info: unknown): Record<string, unknown> {
  const stamp = { _meta: { [SERVER_INFO_META_KEY]: info } };
  if (result.resultType === 'task') return { content: [], ...result, ...stamp };
  if (isTextResult(result)) return { ...result, resultType: 'complete', ...stamp };
  return { content: [], ...(result as { [CREATED_TASK]: Record<string, unknown> })[CREATED_TASK], ...stamp };
}

/** `{ content }` of text blocks and nothing else: what the SDK's result validation returns as it is. */
function isTextResult(result: Record<string, unknown>): boolean {
  return (
    hasExactly(result, ['content']) &&
    Array.isArray(result.content) &&
    result.content.every(
      (block) =>
        isPlainObject(block) &&
        hasExactly(block, ['type', 'text']) &&
        block.type === 'text' &&
        typeof block.text === 'string',
    )
  );
}

/** A 2025-11-25 `params.task` the era reads without an error: `{}` or `{ ttl }` with a positive integer. */
function isPlainTaskParam(task: unknown): boolean {
  if (!isPlainObject(task)) return false;
  if (hasExactly(task, [])) return true;
  return hasExactly(task, ['ttl']) && Number.isSafeInteger(task.ttl) && (task.ttl as number) > 0;
}

/** `name` (checked above), `arguments` (an object, optional) and exactly the era's other keys. */
function plainParams(
  plain: PlainRequest,
  eraKeys: readonly string[],
): { id: string | number; params: CallParams } | undefined {
  const { params } = plain;
  const keys = Object.hasOwn(params, 'arguments') ? ['name', 'arguments', ...eraKeys] : ['name', ...eraKeys];
  if (!hasExactly(params, keys) || (Object.hasOwn(params, 'arguments') && !isPlainObject(params.arguments))) {
    return undefined;
  }
  return { id: plain.id, params: params as CallParams };
}
