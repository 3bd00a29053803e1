// Type-checked code for the "Resources and prompts as tasks" section of docs/legacy.md. Each //#region is shown
// verbatim on that page.
import { ResourceTemplate } from '@modelcontextprotocol/server';
import { getContext, TaskMCP } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { z } from 'zod';

declare function buildReport(quarter: string, signal: AbortSignal): Promise<string>;

//#region server
const server = new TaskMCP({ name: 'reports', version: '1.0.0' });

// A 2025-11-25 client may read it as a task (optional) or plainly.
server.resource(
  'report',
  new ResourceTemplate('reports://{quarter}', { list: undefined }),
  { task: true },
  async (uri, { quarter }) => ({
    contents: [{ uri: uri.href, text: await buildReport(String(quarter), getContext().signal) }],
  }),
);

// Only as a task, kept two hours after it ends.
server.prompt(
  'review',
  { argsSchema: z.object({ quarter: z.string() }), task: { mode: 'required', ttlMs: 2 * 3600_000 } },
  async ({ quarter }) => ({
    messages: [
      { role: 'user', content: { type: 'text', text: await buildReport(quarter, getContext().signal) } },
    ],
  }),
);
//#endregion

async function client(url: URL) {
  //#region client
  const client = await Client.connect(url, { era: 'legacy' });
  const report = await client.readResource('reports://2026-q3', { task: true });
  const review = await client.getPrompt('review', { quarter: '2026-q3' }, { task: true });
  //#endregion
  return { report, review };
}

export { client, server };
