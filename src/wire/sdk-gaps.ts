/**
 * Every place taskmcp works around `@modelcontextprotocol/server` 2.4 not implementing either tasks wire.
 * Keep workarounds here, and only here, so they can be deleted when the SDK grows a tasks seam
 * (typescript-sdk #2189 tracking; draft PRs #2782 `ext/tasks` and #2820 server extensions).
 */
import type {
  CallToolRequest,
  CallToolResult,
  InputRequiredResult,
  McpServer,
  ServerContext,
  StandardSchemaV1,
} from '@modelcontextprotocol/server';

/**
 * Serve a tasks method (`tasks/get`, `tasks/update`, `tasks/cancel`, legacy `tasks/result`/`tasks/list`).
 *
 * Gap: task methods are not in the SDK's typed request map (2025 methods are deprecated vocabulary, 2026 extension
 * methods are unknown to it), so the 2-argument `setRequestHandler` rejects them at compile time and, on the
 * 2026-07-28 era, the SDK's era gate answers `tasks/get`/`tasks/cancel` with -32601 unless the handler is registered
 * through the explicit-schema (3-argument) form (the exemption added in SDK 2.3.0, upstream PR #2599).
 */
export function serveTaskMethod<P extends StandardSchemaV1>(
  server: McpServer,
  method: string,
  params: P,
  handler: (params: StandardSchemaV1.InferOutput<P>, ctx: ServerContext) => Promise<Record<string, unknown>>,
): void {
  server.server.setRequestHandler(method, { params }, (request, ctx) =>
    handler(request, ctx as ServerContext),
  );
}

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

/**
 * Take over `tools/call` dispatch from `McpServer`, keeping its `tools/list` (JSON Schema from Standard Schema).
 *
 * Gap: `McpServer`'s own `tools/call` handler turns every error a tool throws, `ProtocolError` included, into an
 * `isError` result, so a tool could never fail a call with a JSON-RPC error, and it would validate arguments
 * before taskmcp could store them as sent. The low-level `Server` still wraps this handler with the SDK's result
 * validation and multi-round-trip checks. Call after registering the tools (McpServer installs its handler lazily).
 */
export function serveToolCalls(
  server: McpServer,
  dispatch: (
    params: CallToolRequest['params'],
    ctx: ServerContext,
  ) => Promise<CallToolResult | InputRequiredResult>,
): void {
  server.server.setRequestHandler('tools/call', (request, ctx) =>
    dispatch(request.params, ctx as ServerContext),
  );
}

/** Placeholder for `McpServer.registerTool`: taskmcp dispatches `tools/call` itself (see {@link serveToolCalls}). */
export function dispatchedElsewhere(): never {
  throw new Error('taskmcp dispatches tools/call itself; this McpServer callback is never used.');
}
