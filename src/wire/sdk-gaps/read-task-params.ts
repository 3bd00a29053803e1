/**
 * Seeing `params.task` on a 2025-11-25 `resources/read` or `prompts/get`, so that resources and prompts can run as
 * tasks. SDK v2 deleted this era's task machinery (2.0.0-alpha.3, upstream PR #2128) and keeps its task field on
 * `tools/call` only; no upstream issue is filed for these two requests (tasks tracking: typescript-sdk #2189).
 */
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';

/**
 * Let `intercept` answer a `resources/read` or `prompts/get` before McpServer's own handler, which answers whatever
 * `intercept` leaves to it (returns `undefined`).
 *
 * Gap: the SDK parses these requests with schemas that drop `params.task` (2.4 keeps the 2025-11-25 task field on
 * `tools/call` only), so a handler registered through McpServer cannot tell a task-augmented read from a plain one.
 * The method's handler is replaced with an explicit-schema one whose loose params keep `task`, and McpServer's
 * original (reached through the protected `_getRequestHandler`) gets the rest as the request it would have seen.
 */
export function interceptRequest(
  server: McpServer,
  method: 'resources/read' | 'prompts/get',
  intercept: (
    params: Record<string, unknown>,
    ctx: ServerContext,
  ) => Promise<Record<string, unknown> | undefined>,
): void {
  type Stored = (request: unknown, ctx: ServerContext) => Promise<Record<string, unknown>>;
  const sdkServer = server.server as unknown as { _getRequestHandler(method: string): Stored | undefined };
  const original = sdkServer._getRequestHandler(method);
  if (!original) throw new Error(`McpServer serves no ${method} to intercept: register the handlers first.`);
  server.server.removeRequestHandler(method);
  server.server.setRequestHandler(method, { params: AnyParams }, async (params, ctx) => {
    const answered = await intercept(params, ctx as ServerContext);
    return answered ?? original({ jsonrpc: '2.0', id: ctx.mcpReq.id, method, params }, ctx as ServerContext);
  });
}

const AnyParams = z.looseObject({});
