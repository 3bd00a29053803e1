/** How an error ends the CLI: the exit code it maps to and the one line shown on stderr. */
import { CallTimeoutError, TaskCancelledError, TaskFailedError } from '../client/types.js';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';

export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof CallTimeoutError) return ExitCode.timeout;
  if (error instanceof TaskCancelledError) return ExitCode.cancelled;
  if (error instanceof TaskFailedError) return ExitCode.toolError;
  return ExitCode.server;
}

export function describeError(error: unknown): string {
  if (error instanceof TaskFailedError)
    return `Task ${error.taskId} failed (${error.code}): ${error.message}`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' && !(error instanceof CliError)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}
