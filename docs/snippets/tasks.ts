// Type-checked code for docs/tasks.md. Each //#region is shown verbatim on that page.
import { acceptedContent, getContext, inputRequired, ProtocolError, TaskMCP, ToolError } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { z } from 'zod';

const server = new TaskMCP({ name: 'docs', version: '1.0.0' });
declare function render(page: number, options: { signal: AbortSignal }): Promise<void>;
declare function exportTable(table: string): Promise<{ rows: number }>;
declare function deleteAll(bucket: string): Promise<void>;

//#region modes
server.tool(
  {
    name: 'export_table',
    input: z.object({ table: z.string() }),
    task: {
      mode: 'required', // only as a task; clients without the tasks extension get -32021
      ttlMs: 60 * 60_000, // keep the task and its result for an hour
      pollIntervalMs: 2_000, // suggested tasks/get interval
      timeoutMs: 10 * 60_000, // abort ctx.signal and fail the task after 10 minutes
      retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1_000 } },
    },
  },
  async ({ table }) => exportTable(table),
);
//#endregion

declare function cachedSummary(url: string): string | undefined;
declare function summarise(url: string): Promise<string>;

//#region immediate
server.tool(
  {
    name: 'summarise',
    input: z.object({ url: z.string() }),
    // Answer with the outcome if the task is done within 50 ms of its creation; a task handle otherwise.
    task: { mode: 'optional', immediateResultMs: 50 },
  },
  async ({ url }) => cachedSummary(url) ?? (await summarise(url)),
);
//#endregion

export function defaults() {
  //#region default-mode
  const reports = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    tasks: { defaultMode: 'optional', defaultTtlMs: 60 * 60_000 }, // every tool a task unless it says otherwise
  });
  reports.tool({ name: 'weekly' }, async () => 'Weekly report.'); // optional: a task when the client can
  reports.tool({ name: 'ping', task: false }, () => 'pong'); // always in the foreground
  //#endregion
  return reports;
}

//#region progress
server.tool(
  { name: 'render', input: z.object({ pages: z.number().int() }), task: true },
  async ({ pages }, ctx) => {
    for (let page = 1; page <= pages; page++) {
      await ctx.reportProgress(page, pages, `Rendering page ${page}`); // statusMessage: "Rendering page 2 (2/5)"
      await render(page, { signal: ctx.signal }); // pass the signal down: cancel and timeout stop the work
    }
    return `Rendered ${pages} pages.`;
  },
);
//#endregion

//#region input
const Confirm = z.object({ confirm: z.boolean() });

server.tool({ name: 'purge', input: z.object({ bucket: z.string() }), task: true }, async ({ bucket }) => {
  const answer = acceptedContent(getContext().inputResponses, 'confirm', Confirm);
  if (!answer) {
    // Ends this leg: the task goes input_required until the client answers with tasks/update.
    return inputRequired({
      inputRequests: {
        confirm: inputRequired.elicit({ message: `Purge ${bucket}?`, requestedSchema: Confirm }),
      },
    });
  }
  if (!answer.confirm) return 'Nothing purged.';
  await deleteAll(bucket);
  return `Purged ${bucket}.`;
});
//#endregion

//#region preflight
const Who = z.object({ name: z.string() });

server.tool(
  {
    name: 'start_job',
    task: { mode: 'required' },
    // Runs in the foreground first: ask before any task exists (a multi-round-trip round).
    preflight: (_args, ctx) =>
      acceptedContent(ctx.inputResponses, 'who', Who)
        ? undefined
        : inputRequired({
            inputRequests: { who: inputRequired.elicit({ message: 'Who?', requestedSchema: Who }) },
          }),
  },
  async (_args, ctx) => `Job started for ${acceptedContent(ctx.inputResponses, 'who', Who)?.name}.`,
);
//#endregion

//#region errors
server.tool({ name: 'lookup', input: z.object({ id: z.string() }), task: true }, async ({ id }) => {
  if (!/^\d+$/.test(id)) throw new ToolError(`'${id}' is not a numeric id.`); // isError result; task completed
  const row = await findRow(id);
  if (row === 'unreachable') throw new ProtocolError(-32603, 'The database is unreachable.'); // task failed
  return row;
});
//#endregion
declare function findRow(id: string): Promise<string>;

export async function client() {
  //#region client
  const client = await Client.connect('http://127.0.0.1:3000/mcp', {
    onElicit: async () => ({ action: 'accept', content: { confirm: true } }),
  });

  // Transparent: returns the final CallToolResult whether or not the server made a task.
  const result = await client.callTool('render', { pages: 5 }, { timeoutMs: 60_000 });

  // Or hold the task: follow it, cancel it, or pick it up later by id.
  const handle = await client.callToolTask('render', { pages: 50 });
  for await (const update of handle) console.error(update.status, update.statusMessage);
  const same = await client.task(handle.id!).result();
  //#endregion
  return [result, same];
}
