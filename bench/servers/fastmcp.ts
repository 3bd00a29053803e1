/**
 * Peer: FastMCP by punkpeye (npm `fastmcp`) with the same `echo` tool, in its default HTTP mode (Streamable HTTP
 * with sessions). It implements protocol revisions up to 2025-11-25 only, so it is compared on the legacy era.
 */
import { FastMCP } from 'fastmcp';
import { z } from 'zod';
import { freePort } from './free-port.js';
import { announce } from './ipc.js';

const quiet = () => {};
const server = new FastMCP({
  name: 'bench-fastmcp',
  version: '1.0.0',
  logger: { debug: quiet, error: quiet, info: quiet, log: quiet, warn: quiet },
});
server.addTool({
  name: 'echo',
  description: 'Echo the text back.',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => ({ content: [{ type: 'text', text }] }),
});
// Same tool list as the other servers (a plain tool here: FastMCP has no tasks).
server.addTool({
  name: 'noop_task',
  description: 'Echo the text back, as a task.',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => ({ content: [{ type: 'text', text }] }),
});
server.addTool({
  name: 'instant_task',
  description: 'Echo the text back, as a task answered at once when done.',
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => ({ content: [{ type: 'text', text }] }),
});

const port = await freePort();
await server.start({
  transportType: 'httpStream',
  httpStream: { port, host: '127.0.0.1', endpoint: '/mcp' },
});
announce({ url: `http://127.0.0.1:${port}/mcp` }, () => server.stop());
