/**
 * What `taskmcp read` and `taskmcp prompt` share: connect, run the request (as a task with `--task`, following it on
 * stderr like `taskmcp call`), print the result. Only the 2025-11-25 era runs resources and prompts as tasks, so
 * `--task` speaks that era; without it the client negotiates as usual.
 */
import type { GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/client';
import type { Client, ReadOptions } from '../client/client.js';
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
