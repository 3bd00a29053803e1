/**
 * Quick start: one tool that runs as a background task when the client supports tasks. The README's quick start is
 * the region below (`npm run docs:sync` copies it; test/docs checks it and runs it with examples/quickstart-client.ts).
 *
 *   npm run example                           # serves http://127.0.0.1:3000/mcp on the in-memory engine ($PORT)
 *   npx taskmcp run examples/quickstart.ts    # the same through the CLI, which imports the exported server
 */
//#region server
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
    task: true, // = { mode: 'optional' }: a task when the client supports tasks, a plain call otherwise
  },
  async ({ title, pages }) => {
    const ctx = getContext(); // the same in the foreground and in a task
    for (let page = 1; page <= pages; page++) {
      await ctx.reportProgress(page - 1, pages, `Rendering page ${page}`); // the task's statusMessage
      await sleep(300, undefined, { signal: ctx.signal }); // ctx.signal fires on cancel, timeout, shutdown
    }
    return { title, pages, url: `https://reports.example/${encodeURIComponent(title)}.pdf` };
  },
);

export default server; // what `taskmcp run|dev|worker` loads from this file

// Run directly (`npm run example`), the file serves itself; imported (the CLI, tests), it only exports the server.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await server.run({ transport: 'http', port: Number(process.env.PORT ?? 3000) }); // or { transport: 'stdio' }
  // Ctrl-C or SIGTERM: stop serving and close the task engine (a repeated signal changes nothing).
  let stopping = false;
  const stop = () => {
    if (!stopping) void server.close();
    stopping = true;
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
}
//#endregion
