/**
 * Where `McpServer`'s own `tools/call` handling stands in the way of tasks: the result it normalises and the errors
 * it swallows (typescript-sdk #2189 tracking; draft PRs #2782 `ext/tasks` and #2820 server extensions). taskmcp takes
 * over the dispatch and keeps McpServer for `tools/list`.
 */
import type {
  CallToolRequest,
  CallToolResult,
  InputRequiredResult,
  McpServer,
  ServerContext,
} from '@modelcontextprotocol/server';
import { traceRequest } from '../../tracing/spans.js';
import type { StartedToolCall } from '../era.js';

/**
 * The flat `CreateTaskResult` (`resultType: "task"`) returned from a `tools/call` handler.
 *
 * Gap: `McpServer` normalises every tools/call result that lacks `content` by adding `content: []` (it only exempts
 * the 2025 nested `task` key), so the 2026 CreateTaskResult goes out with an extra empty `content` array.
 * Clients ignore it (and the conformance schema accepts it); we cannot strip it without replacing McpServer's
 * tools/call dispatch. The cast is needed because the SDK's tool callback type has no task result.
 */
export function asToolCallResult<T extends Record<string, unknown>>(
  createTaskResult: T,
): { content: [] } & T {
  return createTaskResult as { content: [] } & T;
}

/** taskmcp's own `tools/call` dispatch. */
type ToolCallDispatch = (
  params: CallToolRequest['params'],
  ctx: ServerContext,
) => Promise<CallToolResult | InputRequiredResult>;
/** Whether a name is a registered tool (only then does it name the span). */
type IsTool = (name: string) => boolean;

/** The call the lean path started for this request, if any, taken once (tool-call-fast-path.ts). */
type StartedCalls = (ctx: ServerContext) => StartedToolCall | undefined;

/**
 * Take over `tools/call` dispatch from `McpServer`, keeping its `tools/list` (JSON Schema from Standard Schema).
 *
 * Gap: `McpServer`'s own `tools/call` handler turns every error a tool throws, `ProtocolError` included, into an
 * `isError` result, so a tool could never fail a call with a JSON-RPC error, and it would validate arguments
 * before taskmcp could store them as sent. The low-level `Server` still wraps this handler with the SDK's result
 * validation and multi-round-trip checks. Call after registering the tools (McpServer installs its handler lazily).
 * Each call runs in a span (src/tracing), named after the tool only when `isTool` knows it: a client's made-up name
 * must not become a span name. A call the lean path already started (`started`) is taken over instead: it ran and
 * was traced there, and the SDK encodes its outcome and carries its log messages, as if it had run it itself.
 */
export function serveToolCalls(
  server: McpServer,
  dispatch: ToolCallDispatch,
  isTool: IsTool,
  started?: StartedCalls,
): void {
  server.server.setRequestHandler('tools/call', (request, ctx) => {
    const call = started?.(ctx as ServerContext);
    if (call) return takeOver(call, ctx as ServerContext);
    return tracedToolCall(request.params, ctx as ServerContext, dispatch, isTool);
  });
}

async function takeOver(
  call: StartedToolCall,
  ctx: ServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  call.adopt(ctx);
  const outcome = await call.outcome;
  if (outcome.kind === 'threw') throw outcome.error;
  return outcome.result;
}

/** One `tools/call` dispatched in its request span: on an SDK server, and on the lean path (tool-call-fast-path.ts). */
export function tracedToolCall(
  params: CallToolRequest['params'],
  ctx: ServerContext,
  dispatch: ToolCallDispatch,
  isTool: IsTool,
): Promise<CallToolResult | InputRequiredResult> {
  return traceRequest(ctx, { tool: isTool(params.name) ? params.name : undefined }, () =>
    dispatch(params, ctx),
  );
}

/** Placeholder for `McpServer.registerTool`: taskmcp dispatches `tools/call` itself (see {@link serveToolCalls}). */
export function dispatchedElsewhere(): never {
  throw new Error('taskmcp dispatches tools/call itself; this McpServer callback is never used.');
}
