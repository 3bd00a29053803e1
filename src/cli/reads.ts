/**
 * What `taskmcp read` and `taskmcp prompt` share: connect, run the request (as a task with `--task`, following it on
 * stderr like `taskmcp call`), print the result. Only the 2025-11-25 era runs resources and prompts as tasks, so
 * `--task` speaks that era; without it the client negotiates as usual. `taskmcp tasks watch` prints the result of
 * such a task as these commands do.
 */
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/client';
import type { Client, ReadOptions } from '../client/client.js';
import { printResult } from './commands/call.js';
import { connect } from './connect.js';
import { elicitAtTerminal } from './elicit.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { onInterrupt } from './interrupt.js';
import type { Output } from './output.js';
import { TaskProgressView } from './progress.js';

export const READ_USAGE_NOTES = `  --task         ask the server to run it as a task (2025-11-25 era), following it on stderr
  --timeout ms   give up (and cancel the task) after this long: exit 4
  Ctrl-C cancels the task (exit 130).`;

export async function runRead<R extends ReadResourceResult | GetPromptResult>(
  out: Output,
  options: { server?: string; token?: string; task: boolean; timeoutMs?: number },
  request: (client: Client, options: ReadOptions) => Promise<R>,
  text: (result: R) => string,
): Promise<ExitCodeValue> {
  const connection = await connect({
    server: options.server,
    token: options.token,
    onElicit: elicitAtTerminal,
    era: options.task ? 'legacy' : undefined,
  });
  const interrupt = onInterrupt();
  const view = new TaskProgressView(out);
  let taskId: string | undefined;
  try {
    const result = await request(connection.client, {
      task: options.task,
      signal: interrupt.signal,
      timeoutMs: options.timeoutMs,
      onProgress: (task) => {
        taskId = task.taskId;
        view.update(task);
      },
    });
    view.end();
    out.data(result, text(result));
    return ExitCode.ok;
  } catch (error) {
    view.end();
    if (!interrupt.signal.aborted) throw error;
    out.notice(
      taskId ? `Interrupted: task ${taskId} was cancelled.` : 'Interrupted: the request was cancelled.',
    );
    return ExitCode.interrupted;
  } finally {
    interrupt.dispose();
    await connection.close();
  }
}

/**
 * A completed task's result as the command that creates such a task prints it: a resource's contents as `read`, a
 * prompt's messages as `prompt`, a tool's result as `call` (an `isError` one exits 1). `--json` prints it as is.
 */
export function printTaskResult(out: Output, result: CallToolResult | undefined): ExitCodeValue {
  if (isReadResourceResult(result)) {
    out.data(result, contentsText(result));
    return ExitCode.ok;
  }
  if (isGetPromptResult(result)) {
    out.data(result, messagesText(result));
    return ExitCode.ok;
  }
  return printResult(out, result ?? { content: [] });
}

/** Text contents as they are; binary ones as a line naming their URI and size. */
export function contentsText(result: ReadResourceResult): string {
  return result.contents
    .map((item) =>
      'text' in item
        ? item.text
        : `[${item.mimeType ?? 'binary'} ${item.uri}: ${item.blob.length} base64 chars]`,
    )
    .join('\n');
}

/** One `role: text` line per message; content other than text as JSON. */
export function messagesText(result: GetPromptResult): string {
  return result.messages
    .map(
      ({ role, content }) => `${role}: ${content.type === 'text' ? content.text : JSON.stringify(content)}`,
    )
    .join('\n');
}

// A task's result comes off the wire typed as a tool's; the shape says which request created the task.
function isReadResourceResult(result: object | undefined): result is ReadResourceResult {
  return Array.isArray((result as { contents?: unknown } | undefined)?.contents);
}

function isGetPromptResult(result: object | undefined): result is GetPromptResult {
  return Array.isArray((result as { messages?: unknown } | undefined)?.messages);
}
