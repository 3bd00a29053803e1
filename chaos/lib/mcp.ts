/**
 * The harness talks to front ends over raw 2026-07-28 JSON-RPC with `fetch`, not through the bundled client:
 * one request is one attempt with its own timeout, and nothing retries or polls behind our back, so what is
 * counted (an id received, a status read) is exactly what the server answered. The wire shape (routing headers,
 * per-request `_meta`, the tasks extension declared per request) is the one test/helpers.ts `rpc()` sends.
 */
import type { ChaosTool } from './expected.js';

const VERSION = '2026-07-28';
const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** JSON-RPC "invalid params": what tasks/get answers for an unknown or expired task id. */
const INVALID_PARAMS = -32602;

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
export const isTerminal = (status: string) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

/** What `tasks/get` shows of a task. */
export interface TaskView {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  result?: { structuredContent?: Record<string, unknown>; isError?: boolean; content?: unknown };
  error?: { code: number; message: string };
}

interface Reply {
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

let nextId = 1;

async function rpc(url: URL, method: string, params: Record<string, unknown>, timeoutMs: number) {
  const routed = method === 'tools/call' ? params.name : params.taskId;
  const response = await fetch(url, {
    method: 'POST',
    signal: AbortSignal.timeout(timeoutMs),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': VERSION,
      'mcp-method': method,
      ...(typeof routed === 'string' ? { 'mcp-name': routed } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: nextId++,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': VERSION,
          'io.modelcontextprotocol/clientInfo': { name: 'taskmcp-chaos', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION]: {} } },
        },
      },
    }),
  });
  const text = await response.text();
  return parseReply(text, response.status);
}

/** A JSON body, or the last `data:` message of an SSE body. */
function parseReply(text: string, status: number): Reply {
  const body =
    text.startsWith('event:') || text.startsWith('data:')
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .at(-1)
      : text;
  if (!body) throw new Error(`Empty reply (HTTP ${status}).`);
  return JSON.parse(body) as Reply;
}

/** `tools/call` as a task; resolves with the task id, rejects on anything else (error, no task, timeout). */
export async function createTask(
  url: URL,
  tool: ChaosTool,
  args: { seed: string; ms: number },
  timeoutMs: number,
): Promise<string> {
  const reply = await rpc(url, 'tools/call', { name: tool, arguments: args }, timeoutMs);
  const taskId = reply.result?.taskId;
  if (typeof taskId !== 'string') {
    throw new Error(`tools/call ${tool} answered without a task: ${JSON.stringify(reply).slice(0, 300)}`);
  }
  return taskId;
}

/** `tasks/get`; `null` when the server does not know the id (never existed, expired, or another owner's). */
export async function getTask(url: URL, taskId: string, timeoutMs: number): Promise<TaskView | null> {
  const reply = await rpc(url, 'tasks/get', { taskId }, timeoutMs);
  if (reply.error?.code === INVALID_PARAMS) return null;
  if (reply.error || !reply.result) throw new Error(`tasks/get ${taskId}: ${JSON.stringify(reply.error)}`);
  return reply.result as unknown as TaskView;
}
