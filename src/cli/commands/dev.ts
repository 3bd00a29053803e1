/**
 * `taskmcp dev server.ts[:export]`: the development loop. Serves the module over HTTP on the memory engine with an
 * embedded worker, and restarts it when a file it imports changes (Node's watch mode).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from '../args.js';
import { ExitCode, type ExitCodeValue, usageError } from '../exit-codes.js';
import { RUN_OPTIONS } from './run.js';

export const usage = `taskmcp dev <server.ts[:export]> [--port n] [--host h] [--no-watch] [--dashboard]

  Like \`taskmcp run\` over HTTP, for development: the memory engine (TASKMCP_TASKS_URL=memory://), tasks run in
  this process, debug logs (unless TASKMCP_LOG_LEVEL is set), and a restart whenever the module or a file it
  imports changes (--no-watch turns that off).`;

const CLI_ENTRY = fileURLToPath(new URL('../index.js', import.meta.url));

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, { ...RUN_OPTIONS, 'no-watch': { type: 'boolean' } });
  if (positionals.length !== 1) throw usageError(`Name one server module.\n\n${usage}`);
  if (values.transport && values.transport !== 'http') throw usageError('taskmcp dev serves over HTTP only.');
  if (values['no-worker']) throw usageError('taskmcp dev always runs tasks in process (memory engine).');
  const runArgs = ['run', positionals[0]!, '--transport', 'http', '--drain', values.drain ?? '0'];
  if (values.port) runArgs.push('--port', values.port);
  if (values.host) runArgs.push('--host', values.host);
  if (values.json) runArgs.push('--json');
  if (values.dashboard) runArgs.push('--dashboard');
  const watch = values['no-watch'] ? [] : ['--watch', '--watch-preserve-output'];
  // The same entry the CLI was started with (compiled JS, or the TypeScript source under tsx in this repo).
  const entry = process.argv[1] && /\.ts$/.test(process.argv[1]) ? process.argv[1] : CLI_ENTRY;
  const child = spawn(process.execPath, [...process.execArgv, ...watch, entry, ...runArgs], {
    stdio: 'inherit',
    env: {
      ...process.env,
      TASKMCP_TASKS_URL: 'memory://',
      TASKMCP_LOG_LEVEL: process.env.TASKMCP_LOG_LEVEL ?? 'debug',
    },
  });
  // Pass stop signals on (a terminal's Ctrl-C reaches the child too; stopping twice is harmless), then wait.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
  return (code ?? ExitCode.ok) as ExitCodeValue;
}
