/**
 * `taskmcp tasks get|cancel|watch <taskId> --server <url>`: look at, cancel or follow one task over MCP.
 * `tasks list` and `tasks top` read the server's tasks dashboard instead (tasks-list.ts, tasks-top.ts).
 */
import type { TaskInfo } from '../../client/types.js';
import { COMMON_OPTIONS, parse, SERVER_OPTIONS } from '../args.js';
import { connect } from '../connect.js';
import { ExitCode, type ExitCodeValue, usageError } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { Output } from '../output.js';
import { TaskProgressView } from '../progress.js';
import { printTaskResult } from '../reads.js';
import { BOARD_OPTIONS } from './tasks-top.js';

export const usage = `taskmcp tasks get|cancel|watch <taskId> --server <url> [--json]
taskmcp tasks list [--status s] [--tool t] [--limit n] [--json] --server <url> --token <token>
taskmcp tasks top [--status s] [--tool t] [--json] --server <url> --token <token>

  get     print the task's status and message (--json: the whole task, result included)
  cancel  ask the server to cancel the task, then print its status
  watch   follow the task (progress on stderr) and print its result like \`call\` (a resource's or
          prompt's task like \`read\` or \`prompt\`); Ctrl-C stops watching without cancelling (exit 130)
  list    the most recent tasks, newest first: id, tool, status, progress, elapsed, owner (admin), message
  top     a live view: tasks queued or running with their progress, and those that ended recently; q quits

  list and top read the server's tasks dashboard (\`taskmcp run --dashboard\`) at the --server URL's origin
  and --dashboard-path (default /dashboard/). The token (--token, else TASKMCP_DASHBOARD_TOKEN, else
  TASKMCP_TOKEN) is the dashboard's admin token, which sees every principal's tasks, or on a server with auth
  your own access token, which sees yours. --status: working, input_required, completed, failed, cancelled.`;

const OPTIONS = { ...COMMON_OPTIONS, ...SERVER_OPTIONS, ...BOARD_OPTIONS } as const;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [action, taskId, ...extra] = positionals;
  if (action === 'list' || action === 'top') {
    if (positionals.length > 1) throw usageError(`tasks ${action} takes no task id.\n\n${usage}`);
    if (action === 'list') return (await import('./tasks-list.js')).runList(values);
    return (await import('./tasks-top.js')).runTop(values);
  }
  if (!action || !['get', 'cancel', 'watch'].includes(action)) {
    throw usageError(`Use tasks get, cancel, watch, list or top.\n\n${usage}`);
  }
  const boardOnly = Object.keys(BOARD_OPTIONS).find((name) => values[name as keyof typeof BOARD_OPTIONS]);
  if (boardOnly) throw usageError(`--${boardOnly} applies to tasks list and tasks top.`);
  if (!taskId || extra.length > 0) throw usageError(`tasks ${action} takes one task id.\n\n${usage}`);
  const out = new Output(values.json ?? false);
  const connection = await connect({ server: values.server, token: values.token });
  try {
    const { client } = connection;
    switch (action) {
      case 'get':
        printTask(out, await client.getTask(taskId));
        return ExitCode.ok;
      case 'cancel':
        await client.cancelTask(taskId);
        printTask(out, await client.getTask(taskId));
        return ExitCode.ok;
      default:
        return await watch(out, connection.client.task(taskId));
    }
  } finally {
    await connection.close();
  }
}

function printTask(out: Output, task: TaskInfo): void {
  out.data(task, `${task.taskId}\t${task.status}${task.statusMessage ? `\t${task.statusMessage}` : ''}`);
}

async function watch(out: Output, handle: AsyncIterable<TaskInfo>): Promise<ExitCodeValue> {
  const interrupt = onInterrupt();
  const view = new TaskProgressView(out);
  try {
    const final = await Promise.race([
      (async () => {
        let last: TaskInfo | undefined;
        for await (const update of handle) {
          view.update(update);
          last = update;
        }
        return last!;
      })(),
      new Promise<never>((_, reject) =>
        interrupt.signal.addEventListener('abort', () => reject(interrupt.signal.reason), { once: true }),
      ),
    ]);
    view.end();
    return printFinal(out, final);
  } catch (error) {
    view.end();
    if (!interrupt.signal.aborted) throw error;
    out.notice('Stopped watching; the task goes on.');
    return ExitCode.interrupted;
  } finally {
    interrupt.dispose();
  }
}

function printFinal(out: Output, task: TaskInfo): ExitCodeValue {
  switch (task.status) {
    case 'completed':
      return printTaskResult(out, task.result);
    case 'failed':
      if (out.json) out.data(task);
      out.notice(
        `Task ${task.taskId} failed: ${task.error?.message ?? task.statusMessage ?? 'no reason given'}`,
      );
      return ExitCode.toolError;
    default:
      if (out.json) out.data(task);
      out.notice(`Task ${task.taskId} was cancelled.`);
      return ExitCode.cancelled;
  }
}
