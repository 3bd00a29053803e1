/**
 * Peer: the official SDK v1 (`@modelcontextprotocol/sdk` 1.x) with its experimental tasks (2025-11-25, SEP-1686):
 * `InMemoryTaskStore` shared by all sessions, and `noop_task` registered with `registerToolTask`. The work runs
 * in the background of the creating request, as in the SDK's own examples. Served sessionful over Streamable HTTP
 * (one transport and McpServer per session), the SDK's documented wiring (servers/sdk-v1-sessions.ts).
 */
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { serveAndAnnounce } from './ipc.js';
import { answeredFromTaskStore, readJson, sdkV1Sessions } from './sdk-v1-sessions.js';

const taskStore = new InMemoryTaskStore();

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
      ...answeredFromTaskStore,
    },
  );
  return server;
}

const sessions = sdkV1Sessions(build);

await serveAndAnnounce(
  async (req, res) => sessions.handle(req, res, req.method === 'POST' ? await readJson(req) : undefined),
  () => taskStore.cleanup(),
);
