/**
 * The exit codes of `taskmcp`: stable, documented in the README, relied on by scripts. Never renumber one.
 */
export const ExitCode = {
  /** The command did what was asked (a call completed with a result that is not `isError`). */
  ok: 0,
  /** The tool answered with an error result (`isError`), or the task ended `failed`. */
  toolError: 1,
  /** Bad usage or configuration: unknown command or option, unloadable server module, unsuitable engine. */
  usage: 2,
  /** The server could not be reached or answered with a JSON-RPC error (e.g. an unknown task id). */
  server: 3,
  /** `--timeout` passed before the call finished (the task was cancelled). */
  timeout: 4,
  /** The task ended `cancelled` by someone else. */
  cancelled: 5,
  /** The task asked for input and stdin is not a terminal to answer on (the task was cancelled). */
  needsInput: 6,
  /** Interrupted with Ctrl-C (SIGINT); a running call's task was cancelled first. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}
