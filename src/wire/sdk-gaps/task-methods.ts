/**
 * Serving the tasks methods (`tasks/get`, `tasks/update`, `tasks/cancel`, the 2025-11-25 `tasks/result` and
 * `tasks/list`) on an SDK server that has no tasks seam (typescript-sdk #2189 tracking; upstream PR #2599 for the
 * explicit-schema exemption this relies on).
 */
import type { McpServer, ServerContext, StandardSchemaV1 } from '@modelcontextprotocol/server';
import { traceRequest } from '../../tracing/spans.js';

/**
 * Serve a tasks method (`tasks/get`, `tasks/update`, `tasks/cancel`, legacy `tasks/result`/`tasks/list`).
 *
 * Gap: task methods are not in the SDK's typed request map (2025 methods are deprecated vocabulary, 2026 extension
 * methods are unknown to it), so the 2-argument `setRequestHandler` rejects them at compile time and, on the
 * 2026-07-28 era, the SDK's era gate answers `tasks/get`/`tasks/cancel` with -32601 unless the handler is registered
 * through the explicit-schema (3-argument) form (the exemption added in SDK 2.3.0, upstream PR #2599).
 * Each request runs in a span (src/tracing).
 */
export function serveTaskMethod<P extends StandardSchemaV1>(
  server: McpServer,
  method: string,
  params: P,
  handler: (params: StandardSchemaV1.InferOutput<P>, ctx: ServerContext) => Promise<Record<string, unknown>>,
): void {
  server.server.setRequestHandler(method, { params }, (request, ctx) => {
    const taskId = (request as { taskId?: unknown }).taskId;
    const target = { taskId: typeof taskId === 'string' ? taskId : undefined };
    return traceRequest(ctx as ServerContext, target, () => handler(request, ctx as ServerContext));
  });
}
