/**
 * 2025-11-25 experimental tasks (SEP-1686). SDK v2 deleted this era's task machinery (2.0.0-alpha.3, upstream PR
 * #2128) and keeps only its deprecated vocabulary, so taskmcp serves it by hand; these are the places that have to
 * step around the SDK's types or behaviour to do so.
 */
import type { McpServer, RegisteredTool, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';

/**
 * Advertise a tool's `execution.taskSupport` in `tools/list`.
 *
 * Gap: `registerTool` has no `execution` field in v2 (tool definitions emitted by v2 carry no `taskSupport`), but the
 * registered tool's `execution` property is still emitted on the 2025-11-25 era (the 2026-07-28 codec drops it).
 */
export function advertiseTaskSupport(
  registered: RegisteredTool,
  taskSupport: 'forbidden' | 'optional' | 'required',
): void {
  registered.execution = { taskSupport };
}

/**
 * The nested 2025-11-25 `CreateTaskResult` as a `tools/call` result.
 *
 * Gap: the SDK's tools/call result validation rejects a body with `task` but no `content` ("content is required when
 * the body carries 'task'"), so the result goes out with an extra empty `content` array, which SDK v1 clients ignore.
 */
export function asLegacyCreateTaskResult<T extends { task: Record<string, unknown> }>(
  createTaskResult: T,
): { content: [] } & T {
  return { content: [], ...createTaskResult };
}

type WireNotification = { method: string; params: Record<string, unknown> };

/**
 * Send a notification on the stream of the request being handled (`tasks/result`).
 *
 * Gap: `notifications/tasks/status` is not in the SDK's typed notification map (deprecated 2025 vocabulary).
 */
export function sendNotification(ctx: ServerContext, notification: WireNotification): Promise<void> {
  return ctx.mcpReq.notify(notification as Parameters<ServerContext['mcpReq']['notify']>[0]);
}

/** Send a notification on a connection (stdio) outside any request; same typing gap as {@link sendNotification}. */
export function notifyOnConnection(server: McpServer, notification: WireNotification): Promise<void> {
  return server.server.notification(notification as Parameters<McpServer['server']['notification']>[0]);
}

/**
 * Send a server→client request (an input request of a task) on the stream of the request being handled.
 *
 * Gap: input requests are stored as `{ method, params }` data, while `ctx.mcpReq.send` is typed per method; the
 * explicit-schema overload takes any method and leaves the answer as the client sent it.
 */
export function sendTaskRequest(
  ctx: ServerContext,
  method: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  // A person may take a while to answer; the tasks/result request this rides on bounds the wait instead.
  return ctx.mcpReq.send({ method, params }, AnyResult, { timeout: 2 ** 31 - 1 });
}

const AnyResult = z.looseObject({});
