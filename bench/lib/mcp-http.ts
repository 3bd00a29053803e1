/**
 * A minimal MCP-over-Streamable-HTTP client used as the load generator for every server under test. It is
 * deliberately thin and identical for all servers (keep-alive node:http, one JSON-RPC request per POST, JSON or
 * SSE answers), so measured differences come from the servers, not from different client stacks.
 */
import { Agent, request } from 'node:http';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export type Era = 'modern' | 'legacy';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`JSON-RPC ${code}: ${message}`);
  }
}

interface PostResult {
  status: number;
  sessionId?: string;
  body: string;
  contentType: string;
}

function post(url: URL, headers: Record<string, string>, body: string): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            sessionId: res.headers['mcp-session-id'] as string | undefined,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface JsonRpcMessage {
  id?: number | string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** The JSON-RPC response with our id, from a JSON body or an SSE stream of messages. */
function responseFor(reply: PostResult, id: number): JsonRpcMessage {
  if (reply.contentType.includes('text/event-stream')) {
    for (const line of reply.body.split('\n')) {
      // Priming events (resumability) carry an empty data line.
      if (!line.startsWith('data:') || line.length <= 6) continue;
      const message = JSON.parse(line.slice(5)) as JsonRpcMessage;
      if (message.id === id) return message;
    }
    throw new Error(`No response for request ${id} in the SSE stream (HTTP ${reply.status}).`);
  }
  if (!reply.body) throw new Error(`Empty HTTP ${reply.status} answer to request ${id}.`);
  return JSON.parse(reply.body) as JsonRpcMessage;
}

export interface McpHttpClientOptions {
  era: Era;
  /** Declare the 2026-07-28 tasks extension on every request (modern era only). */
  declareTasks?: boolean;
}

/** One logical MCP client: stateless per request on the modern era, an initialised (maybe sessionful) legacy one. */
export class McpHttpClient {
  private nextId = 1;
  private sessionId?: string;

  constructor(
    readonly url: URL,
    private readonly options: McpHttpClientOptions,
  ) {}

  /** Legacy era: `initialize` + `notifications/initialized`, keeping a session id if the server issues one. */
  async connect(): Promise<this> {
    if (this.options.era === 'modern') return this;
    const id = this.nextId++;
    const reply = await post(
      this.url,
      this.headers('initialize', undefined),
      this.body(id, 'initialize', {
        protocolVersion: LEGACY,
        capabilities: { tasks: { requests: {} } },
        clientInfo: { name: 'taskmcp-bench', version: '1' },
      }),
    );
    const message = responseFor(reply, id);
    if (message.error) throw new RpcError(message.error.code, message.error.message);
    this.sessionId = reply.sessionId;
    await post(
      this.url,
      this.headers('notifications/initialized', undefined),
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    );
    return this;
  }

  /** One request; resolves to its `result` or throws {@link RpcError}. */
  async call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const name =
      method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
    const reply = await post(
      this.url,
      this.headers(method, typeof name === 'string' ? name : undefined),
      this.body(id, method, params),
    );
    const message = responseFor(reply, id);
    if (message.error) throw new RpcError(message.error.code, message.error.message);
    if (!message.result) throw new Error(`HTTP ${reply.status} without a result for ${method}.`);
    return message.result;
  }

  private headers(method: string, name: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (this.options.era === 'modern') {
      headers['mcp-protocol-version'] = MODERN;
      headers['mcp-method'] = method;
      if (name !== undefined) headers['mcp-name'] = name;
    } else if (method !== 'initialize') {
      headers['mcp-protocol-version'] = LEGACY;
    }
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    return headers;
  }

  private body(id: number, method: string, params: Record<string, unknown>): string {
    if (this.options.era === 'modern') {
      params = {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'taskmcp-bench', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': this.options.declareTasks
            ? { extensions: { [TASKS_EXTENSION]: {} } }
            : {},
        },
      };
    }
    return JSON.stringify({ jsonrpc: '2.0', id, method, params });
  }
}
