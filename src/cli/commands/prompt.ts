/** `taskmcp prompt <name> key=value… --server <url|file> [--task]`: get one prompt and print its messages. */
import { COMMON_OPTIONS, integerOption, parse, SERVER_OPTIONS, toolArguments } from '../args.js';
import { type ExitCodeValue, usageError } from '../exit-codes.js';
import { Output } from '../output.js';
import { messagesText, READ_USAGE_NOTES, runRead } from '../reads.js';

export const usage = `taskmcp prompt <name> [key=value…] --server <url|file> [--task] [--timeout ms] [--json]

  Gets a prompt and prints its messages on stdout, one "role: text" line each (the GetPromptResult with --json).
  Prompt arguments are strings: key=value, or --args '{json}'.
${READ_USAGE_NOTES}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...SERVER_OPTIONS,
  args: { type: 'string' },
  task: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [name, ...words] = positionals;
  if (!name) throw usageError(`Name the prompt to get.\n\n${usage}`);
  const args = promptArguments(toolArguments(words, values.args));
  const timeoutMs = values.timeout === undefined ? undefined : integerOption('timeout', values.timeout, 0, 1);
  return runRead(
    new Output(values.json ?? false),
    { server: values.server, token: values.token, task: values.task ?? false, timeoutMs },
    (client, options) => client.getPrompt(name, args, options),
    messagesText,
  );
}

/** MCP prompt arguments are strings: a word that parsed as JSON (n=3) is sent as it was typed. */
function promptArguments(parsed: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}
