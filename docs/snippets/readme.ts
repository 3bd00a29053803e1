// Type-checked code for README.md. Each //#region is shown verbatim there (the quick start itself comes from
// examples/quickstart.ts and examples/quickstart-client.ts).
import { getContext, type TaskMCP } from 'taskmcp';
import { z } from 'zod';

export function teaser(server: TaskMCP) {
  //#region teaser
  server.tool(
    { name: 'build_report', input: z.object({ title: z.string() }), task: true },
    async ({ title }) => {
      await getContext().reportProgress(1, 3, 'Rendering'); // statusMessage of the task
      return { title, url: '…' };
    },
  );
  //#endregion
}
