/** `taskmcp read <uri> --server <url|file> [--task]`: read one resource and print its contents. */
import { COMMON_OPTIONS, integerOption, parse, SERVER_OPTIONS } from '../args.js';
import { type ExitCodeValue, usageError } from '../exit-codes.js';
import { Output } from '../output.js';
import { contentsText, READ_USAGE_NOTES, runRead } from '../reads.js';

export const usage = `taskmcp read <uri> --server <url|file> [--task] [--timeout ms] [--json]

  Reads a resource and prints its text contents on stdout (the whole ReadResourceResult with --json).
${READ_USAGE_NOTES}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SERVER_OPTIONS,
  task: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [uri, ...extra] = positionals;
  if (!uri || extra.length > 0) throw usageError(`Name one resource URI to read.\n\n${usage}`);
  const timeoutMs = values.timeout === undefined ? undefined : integerOption('timeout', values.timeout, 0, 1);
  return runRead(
    new Output(values.json ?? false),
    { server: values.server, token: values.token, task: values.task ?? false, timeoutMs },
    (client, options) => client.readResource(uri, options),
    contentsText,
  );
}
