/** The `taskmcp` command: dispatch to one command module, map failures to the documented exit codes. */
import { readFileSync } from 'node:fs';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { describeError, exitCodeOf } from './failures.js';

interface Command {
  usage: string;
  run(argv: string[]): Promise<ExitCodeValue>;
}

/** Loaded on demand: `taskmcp call` should not pay for what `taskmcp worker` needs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: () => import('./commands/run.js'),
  dev: () => import('./commands/dev.js'),
  worker: () => import('./commands/worker.js'),
  call: () => import('./commands/call.js'),
  read: () => import('./commands/read.js'),
  prompt: () => import('./commands/prompt.js'),
  tasks: () => import('./commands/tasks.js'),
  inspect: () => import('./commands/inspect.js'),
};

const USAGE = `taskmcp <command> [options]

  run <server.ts>       serve a TaskMCP server module (HTTP or stdio)
  dev <server.ts>       serve it for development: memory engine, in-process tasks, restart on change
  worker <server.ts>    execute its tasks from a shared engine (Redis), no front end
  call <tool> k=v…      call a tool (--server <url|file>), following its task with a progress bar
  read <uri>            read a resource (--task: as a 2025-11-25 task)
  prompt <name> k=v…    get a prompt (--task: as a 2025-11-25 task)
  tasks get|cancel|watch <taskId>
  tasks list|top        list the server's recent tasks, or watch them live (its tasks dashboard)
  inspect               list a server's tools and their task modes

  Data goes to stdout, messages to stderr; --json makes stdout JSON. \`taskmcp <command> --help\` for details.
  Exit codes: 0 ok, 1 tool error or failed task, 2 usage or configuration, 3 server unreachable or JSON-RPC
  error, 4 timeout, 5 task cancelled, 6 input needed but no terminal, 130 interrupted (Ctrl-C).`;

export async function main(argv: string[]): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return ExitCode.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`taskmcp: unknown command '${name}'.\n\n${USAGE}\n`);
    return ExitCode.usage;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    process.stderr.write(`taskmcp ${name}: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

function version(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
