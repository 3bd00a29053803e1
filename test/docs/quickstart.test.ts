/**
 * The README's quick start, run as a reader runs it: the example server (whose source the README shows) over real
 * HTTP on a free port, called by the client snippet and by the CLI, must print what the README and the snippet's
 * comments say; and `npm run example` must stop on SIGTERM to the npm process and on Ctrl-C.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);
const tsx = ['--import', 'tsx'];

interface Started {
  child: ChildProcess;
  url: URL;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  // Whatever a failed test left running in the process groups it started (by their ids).
  for (const child of started.splice(0)) {
    if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
  }
});

/** Start `command` in a process group of its own with PORT=0, and wait for the server to say where it serves. */
async function serve(command: string, args: string[]): Promise<Started> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, PORT: '0' }, detached: true });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await eventually(() => {
    if (child.exitCode !== null) throw new Error(`${command} exited early:\n${output}`);
    return /serving MCP on (http:\/\/\S+)/.exec(output)?.[1];
  }, 30_000);
  return { child, url: new URL(url), exited };
}

/** Whether something accepts connections on the URL's port. */
function listening(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait (bounded) until the process has exited, every process it started too, and nothing listens on its port. */
async function stopped(server: Started) {
  const exit = await Promise.race([server.exited, sleep(15_000, undefined, { ref: false })]);
  expect(exit, 'still running 15 s after the signal').toBeDefined();
  await eventually(() => !groupAlive(server.child.pid!), 5_000);
  expect(await listening(server.url)).toBe(false);
  return exit;
}

describe('README quick start', () => {
  it('prints what the README says: the client snippet and the CLI against the example server', async () => {
    const server = await serve('node', [...tsx, 'examples/quickstart.ts']);

    const client = await run('node', [...tsx, 'examples/quickstart-client.ts', server.url.href], {
      cwd: root,
      timeout: 30_000,
    });
    const snippet = readFileSync(`${root}examples/quickstart-client.ts`, 'utf8');
    const promised = /console\.log\(result\.structuredContent\); \/\/ (.*)$/m.exec(snippet)?.[1];
    expect(promised).toBeDefined();
    expect(client.stdout.trim()).toBe(promised);
    const progress = client.stderr.trim().split('\n');
    expect(progress.at(-1)).toBe('completed');
    for (const line of progress.slice(0, -1))
      expect(line).toMatch(/^(working|Rendering page [1-3] \([0-2]\/3\))$/);

    const cli = await run(
      'node',
      [...tsx, 'src/cli/index.ts', 'call', 'build_report', 'title=Q3', '--server', server.url.href],
      { cwd: root, timeout: 30_000 },
    );
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const shown =
      /then the bar is cleared and the result is printed on stdout[^\n]*\n\n```text\n(.*)\n```/.exec(
        readme,
      )?.[1];
    expect(shown).toBeDefined();
    expect(cli.stdout.trim()).toBe(shown);
    expect(cli.stderr).toMatch(/^task t\S+ working: Rendering page 1 \(0\/3\)$/m);

    server.child.kill('SIGTERM');
    expect(await stopped(server)).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('npm run example stops when the npm process gets SIGTERM', async () => {
    const server = await serve('npm', ['run', 'example']);
    expect(await listening(server.url)).toBe(true);
    server.child.kill('SIGTERM');
    await stopped(server);
  }, 60_000);

  it('npm run example stops on Ctrl-C (SIGINT to its process group)', async () => {
    const server = await serve('npm', ['run', 'example']);
    process.kill(-server.child.pid!, 'SIGINT');
    await stopped(server);
  }, 60_000);
});
