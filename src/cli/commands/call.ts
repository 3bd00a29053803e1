/** `taskmcp call <tool> key=value… --server <url|file>`: run one tool call, driving its task to the end. */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { COMMON_OPTIONS, integerOption, parse, SERVER_OPTIONS, toolArguments } from '../args.js';
import { connect } from '../connect.js';
import { elicitAtTerminal } from '../elicit.js';
import { CliError, ExitCode, type ExitCodeValue, usageError } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { Output, resultText } from '../output.js';
import { TaskProgressView } from '../progress.js';
import { isModuleSpec } from '../server-module.js';

export const usage = `taskmcp call <tool> [key=value…] --server <url|file> [--args '{json}'] [--timeout ms] [--detach] [--json]

  Calls a tool and prints its result on stdout. When the server runs the call as a task, its progress shows on
  stderr (a live bar on a terminal) and Ctrl-C cancels the task (exit 130).
  Values are JSON when they parse as JSON (n=3, ok=true, tags='["a"]'), strings otherwise (title=Q3).
  --detach       print the task id and return at once (follow it with \`taskmcp tasks watch <id>\`)
  --timeout ms   give up (and cancel the task) after this long: exit 4`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SERVER_OPTIONS,
  args: { type: 'string' },
  timeout: { type: 'string' },
  detach: { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [tool, ...words] = positionals;
  if (!tool) throw usageError(`Name the tool to call.\n\n${usage}`);
  const args = toolArguments(words, values.args);
  const timeoutMs = values.timeout === undefined ? undefined : integerOption('timeout', values.timeout, 0, 1);
  const target = values.server ?? process.env.TASKMCP_SERVER;
  if (values.detach && target && isModuleSpec(target)) {
    throw usageError(
      '--detach needs a running server (--server http://…): an in-process task ends with taskmcp.',
    );
  }
  const out = new Output(values.json ?? false);
  const connection = await connect({
    server: values.server,
    token: values.token,
    onElicit: elicitAtTerminal,
  });
  const interrupt = onInterrupt();
  const view = new TaskProgressView(out);
  let taskId: string | undefined;
  try {
    const { client } = connection;
    if (values.detach) {
      const handle = await client.callToolTask(tool, args, { signal: interrupt.signal, timeoutMs });
      if (handle.id) {
        out.data(handle.last, handle.id);
        return ExitCode.ok;
      }
      return printResult(out, await handle.result());
    }
    const result = await client.callTool(tool, args, {
      signal: interrupt.signal,
      timeoutMs,
      onProgress: (task) => {
        taskId = task.taskId;
        view.update(task);
      },
    });
    view.end();
    return printResult(out, result);
  } catch (error) {
    view.end();
    if (error instanceof CliError && error.exitCode === ExitCode.needsInput && taskId) {
      // Nobody will answer: do not leave the task waiting until it expires.
      await connection.client.cancelTask(taskId).catch(() => {});
    }
    if (!interrupt.signal.aborted) throw error;
    out.notice(
      taskId ? `Interrupted: task ${taskId} was cancelled.` : 'Interrupted: the call was cancelled.',
    );
    return ExitCode.interrupted;
  } finally {
    interrupt.dispose();
    await connection.close();
  }
}

/** The result on stdout; an `isError` result goes to stderr (unless `--json`) and exits 1. */
export function printResult(out: Output, result: CallToolResult): ExitCodeValue {
  if (result.isError) {
    if (out.json) out.data(result);
    else out.notice(resultText(result) || 'The tool reported an error.');
    return ExitCode.toolError;
  }
  out.data(result, resultText(result));
  return ExitCode.ok;
}
