import type { TaskMCP } from 'taskmcp';
import { Client, type ClientOptions } from 'taskmcp/client';
import { eventually } from 'taskmcp/testing';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
export const TASKS = 'io.modelcontextprotocol/tasks';

/** Serve `server` over real Streamable HTTP on a free loopback port. */
export async function serveOverHttp(server: TaskMCP): Promise<{ url: URL; close(): Promise<void> }> {
  const running = await server.run({ transport: 'http', port: 0 });
  return { url: running.url!, close: () => server.close() };
}

/** A real MCP client over HTTP; `token` is sent as a bearer token. */
export function connectHttp(url: URL, options: ClientOptions & { token?: string } = {}): Promise<Client> {
  const { token, ...rest } = options;
  return Client.connect(token ? { url, headers: { authorization: `Bearer ${token}` } } : url, rest);
}

let nextId = 1;

/**
 * One raw 2026-07-28 JSON-RPC exchange, for assertions on the exact wire (status codes, error data, field names).
 * `declare` controls whether this request declares the tasks extension.
 */
export async function rpc(
  url: URL,
  method: string,
  params: Record<string, unknown> = {},
  options: {
    declare?: boolean;
    /** The client capabilities declared besides the tasks extension (default: elicitation). */
    capabilities?: Record<string, unknown>;
    /** More `_meta` keys for the request (e.g. `traceparent`). */
    meta?: Record<string, unknown>;
    headers?: Record<string, string>;
    token?: string;
    id?: number | string;
  } = {},
): Promise<{ status: number } & JsonRpcReply> {
  const name =
    method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const body = {
    jsonrpc: '2.0',
    id: options.id ?? nextId++,
    method,
    params: {
      ...params,
      _meta: {
        ...options.meta,
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {
          ...(options.capabilities ?? { elicitation: {} }),
          ...(options.declare === false ? {} : { extensions: { [TASKS]: {} } }),
        },
      },
    },
  };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  const json =
    text.startsWith('event:') || text.startsWith('data:') ? lastSseMessage(text) : JSON.parse(text);
  return { status: response.status, result: json.result, error: json.error };
}

interface JsonRpcReply {
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

function lastSseMessage(text: string): JsonRpcReply {
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim());
  return JSON.parse(data[data.length - 1]!);
}

export { eventually };

/** Poll tasks/get over the raw wire until the task reaches one of `statuses`. */
export async function untilStatus(
  url: URL,
  taskId: string,
  statuses: string[],
  token?: string,
  timeoutMs = 20_000,
) {
  return eventually(async () => {
    const { result } = await rpc(url, 'tasks/get', { taskId }, { token });
    return result && statuses.includes(result.status as string) ? result : undefined;
  }, timeoutMs);
}

/** Each tool `tools/list` lists, by name, with its task mode (`taskmcp.dev/taskMode` in its `_meta`). */
export async function listedTaskModes(url: URL, token?: string): Promise<Record<string, unknown>> {
  const { result } = await rpc(url, 'tools/list', {}, { token });
  const tools = result!.tools as Array<{ name: string; _meta?: Record<string, unknown> }>;
  return Object.fromEntries(tools.map((tool) => [tool.name, tool._meta?.['taskmcp.dev/taskMode']]));
}

/** The text of a result's first content block. */
export const text = (result: { content?: unknown }) => (result.content as Array<{ text: string }>)[0]?.text;

/**
 * Poll until `url` refuses `token` with HTTP 401: the server's own verdict that the token has expired (rather than a
 * sleep computed from its `exp`).
 */
export async function untilRefused(url: URL, token: string, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'server/discover', params: {} }),
      });
      await response.body?.cancel();
      return response.status === 401;
    },
    timeoutMs,
    50,
  );
}
