/**
 * The SDK v1 (`@modelcontextprotocol/sdk` 1.x) experimental-tasks wiring, as the SDK documents it: sessionful
 * Streamable HTTP with one transport and `McpServer` per session, and task tools whose `tasks/get` and
 * `tasks/result` answer from the task store. Shared by the bench peer (servers/sdk-v1-tasks.ts) and the proxy
 * tests' SDK v1 backend (test/fixtures/sdk-v1-backend.ts), so the tests proxy the same server the bench measures.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TaskRequestHandlerExtra } from '@modelcontextprotocol/sdk/experimental/tasks';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type CallToolResult, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

/** The `getTask` and `getTaskResult` of a `registerToolTask` handler whose task lives in the task store. */
export const answeredFromTaskStore = {
  getTask: (_args: unknown, { taskId, taskStore }: TaskRequestHandlerExtra) => taskStore.getTask(taskId),
  getTaskResult: async (_args: unknown, { taskId, taskStore }: TaskRequestHandlerExtra) =>
    (await taskStore.getTaskResult(taskId)) as CallToolResult,
};

/** The JSON body of `req` (undefined when empty). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

export interface SdkV1Sessions {
  /**
   * Hand a request (its body already read) to its session's transport; an `initialize` without a session id opens
   * a session on a new server from `build`. Unknown session: 404; no session and no `initialize`: 400.
   */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
  /** The transports of the sessions open now, by session id. */
  readonly open: ReadonlyMap<string, StreamableHTTPServerTransport>;
}

export function sdkV1Sessions(build: () => McpServer): SdkV1Sessions {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return {
    open: sessions,
    async handle(req, res, body) {
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      let transport = sessionId ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId || !isInitializeRequest(body)) {
          res.writeHead(sessionId ? 404 : 400).end();
          return;
        }
        const fresh = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void sessions.set(id, fresh),
        });
        fresh.onclose = () => {
          if (fresh.sessionId) sessions.delete(fresh.sessionId);
        };
        await build().connect(fresh);
        transport = fresh;
      }
      await transport.handleRequest(req, res, body);
    },
  };
}
