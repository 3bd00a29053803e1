/** Driving tasks over the wire of each era, the way a client that polls as fast as it can would. */
import type { McpHttpClient } from './mcp-http.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * 2026-07-28 tasks extension (taskmcp): `tools/call` → `CreateTaskResult`, then `tasks/get` until a terminal
 * status (the result is inlined); or the result itself at once, which the spec lets a server answer to any call
 * (a tool with `task.immediateResultMs` whose task completed in time: no task id). Returns the task id and how many
 * requests the round trip took.
 */
export async function modernRoundTrip(
  client: McpHttpClient,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ taskId?: string; requests: number }> {
  const created = await client.call('tools/call', { name: tool, arguments: args });
  if (created.resultType === 'complete' && Array.isArray(created.content)) return { requests: 1 };
  if (created.resultType !== 'task') throw new Error(`Expected a task, got ${JSON.stringify(created)}.`);
  const taskId = created.taskId as string;
  let requests = 1;
  let status = created.status as string;
  while (!TERMINAL.has(status)) {
    const got = await client.call('tasks/get', { taskId });
    requests++;
    status = got.status as string;
    if (status === 'completed' && !got.result) throw new Error('A completed task without its result.');
  }
  if (status !== 'completed') throw new Error(`Task ${taskId} ended ${status}.`);
  return { taskId, requests };
}

/**
 * 2025-11-25 experimental tasks (SDK v1): `tools/call` with `task` → `{ task }`, `tasks/get` until a terminal
 * status, then `tasks/result` for the payload.
 */
export async function legacyRoundTrip(
  client: McpHttpClient,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ taskId: string; requests: number }> {
  const created = await client.call('tools/call', {
    name: tool,
    arguments: args,
    task: { ttl: 15 * 60_000 },
  });
  const task = created.task as { taskId: string; status: string } | undefined;
  if (!task) throw new Error(`Expected a task, got ${JSON.stringify(created)}.`);
  let requests = 1;
  let status = task.status;
  while (!TERMINAL.has(status)) {
    const got = await client.call('tasks/get', { taskId: task.taskId });
    requests++;
    status = got.status as string;
  }
  const result = await client.call('tasks/result', { taskId: task.taskId });
  requests++;
  if (!Array.isArray(result.content)) throw new Error('tasks/result without content.');
  return { taskId: task.taskId, requests };
}
