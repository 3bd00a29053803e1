/**
 * Peer: the official SDK v1 (`@modelcontextprotocol/sdk` 1.x) with its experimental tasks (2025-11-25, SEP-1686):
 * `InMemoryTaskStore` shared by all sessions, and `noop_task` registered with `registerToolTask`. The work runs
 * in the background of the creating request, as in the SDK's own examples. Served sessionful over Streamable HTTP
 * (one transport and McpServer per session), the SDK's documented wiring.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type CallToolResult, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { serveAndAnnounce } from './ipc.js';

const taskStore = new InMemoryTaskStore();
const sessions = new Map<string, StreamableHTTPServerTransport>();

function build(): McpServer {
  const server = new McpServer(
    { name: 'bench-sdk-v1', version: '1.0.0' },
    {
      capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } } } },
      taskStore,
      taskMessageQueue: new InMemoryTaskMessageQueue(),
    },
  );
  server.registerTool(
    'echo',
    { description: 'Echo the text back.', inputSchema: { text: z.string() } },
    async ({ text }) => ({
      content: [{ type: 'text', text }],
    }),
  );
  server.experimental.tasks.registerToolTask(
    'noop_task',
    {
      description: 'Echo the text back, as a task.',
      inputSchema: { text: z.string() },
      execution: { taskSupport: 'optional' },
    },
    {
      async createTask({ text }, { taskStore: store, taskRequestedTtl }) {
        const task = await store.createTask({ ttl: taskRequestedTtl ?? 15 * 60_000, pollInterval: 1000 });
        void (async () => {
          await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text }] });
        })();
        return { task };
      },
      getTask: (_args, { taskId, taskStore: store }) => store.getTask(taskId),
      getTaskResult: async (_args, { taskId, taskStore: store }) =>
        (await store.getTaskResult(taskId)) as CallToolResult,
    },
  );
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

await serveAndAnnounce(
  async (req, res) => {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
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
  () => taskStore.cleanup(),
);
