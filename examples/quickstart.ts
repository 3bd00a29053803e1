/**
 * Quick start: one tool that runs as a background task when the client supports tasks.
 *
 *   npm run example                           # serves http://127.0.0.1:3000/mcp on the in-memory engine
 *   npx taskmcp run examples/quickstart.ts    # the same through the CLI, which imports the exported server
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { getContext, TaskMCP } from 'taskmcp';
import { z } from 'zod';

const server = new TaskMCP({ name: 'reports', version: '1.0.0' });

server.tool(
  {
    name: 'build_report',
    description: 'Builds a report page by page; long enough to want a task.',
    input: z.object({ title: z.string(), pages: z.number().int().min(1).max(20).default(3) }),
    task: true,
  },
  async ({ title, pages }) => {
    const ctx = getContext(); // the same in the foreground and in a task
    for (let page = 1; page <= pages; page++) {
      await ctx.reportProgress(page - 1, pages, `Rendering page ${page}`);
      await sleep(300, undefined, { signal: ctx.signal }); // stops promptly on cancel
    }
    return { title, pages, url: `https://reports.example/${encodeURIComponent(title)}.pdf` };
  },
);

export default server;

// Run directly (`npm run example`), the file serves itself; imported (`taskmcp run`, tests), it only exports.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await server.run({ transport: 'http', port: Number(process.env.PORT ?? 3000) });
}
