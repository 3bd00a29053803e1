/**
 * Baseline: a raw SDK v2 `McpServer` with the same tools (`echo`, and `noop_task` and `instant_task` as plain tools), served the way the SDK recommends
 * (`createMcpHandler`, one instance per request, both eras; legacy requests take the stateless fallback)
 * on plain node:http, with no framework in between.
 */
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { serveAndAnnounce } from './ipc.js';

const Text = z.object({ text: z.string() });

function build(): McpServer {
  const server = new McpServer({ name: 'bench-sdk-v2', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool(
    'echo',
    { description: 'Echo the text back.', inputSchema: Text },
    async ({ text }) => ({
      content: [{ type: 'text', text }],
    }),
  );
  // Same tool list as the taskmcp server (whose second tool runs as a task there): a per-request McpServer
  // registers every tool on every request, so the tool count is part of the per-request cost.
  server.registerTool(
    'noop_task',
    { description: 'Echo the text back, as a task.', inputSchema: Text },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  server.registerTool(
    'instant_task',
    { description: 'Echo the text back, as a task answered at once when done.', inputSchema: Text },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const handler = createMcpHandler(() => build());
await serveAndAnnounce(toNodeHandler(handler), () => handler.close());
