/** `taskmcp tasks list`: the most recent tasks from the server's tasks dashboard API, newest first. */
import { integerOption } from '../args.js';
import { DashboardClient } from '../dashboard-client.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { Output } from '../output.js';
import { table, taskColumns } from '../task-table.js';
import type { BoardValues } from './tasks-top.js';

export async function runList(values: BoardValues): Promise<ExitCodeValue> {
  const out = new Output(values.json ?? false);
  const client = new DashboardClient({
    server: values.server,
    token: values.token,
    path: values['dashboard-path'],
  });
  const listing = await client.list({
    status: values.status,
    tool: values.tool,
    limit: integerOption('limit', values.limit, 100, 1),
  });
  const { tasks, viewer, now } = listing;
  const rows = table(tasks, taskColumns(now, viewer.admin), false);
  out.notice(
    `${tasks.length} task${tasks.length === 1 ? '' : 's'}, newest first (${viewer.admin ? 'admin view: every principal' : 'your tasks'})`,
  );
  if (out.json) out.data(listing);
  else if (rows.length > 0) out.data(listing, rows.join('\n'));
  return ExitCode.ok;
}
