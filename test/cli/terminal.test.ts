/**
 * `taskmcp call` in a real terminal (a tmux pane, so stderr is a TTY): the live progress bar with the status
 * message, and Ctrl-C cancelling the task (exit 130).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { CLI_COMMAND, CLI_SERVER, cli, type Running, root, startCli, stopAll } from './cli.js';

const run = promisify(execFile);

function tmuxAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('tmux is missing and CI=true: the terminal test must run in CI.');
    console.warn('tmux is not installed: skipping the terminal test of taskmcp call.');
    return false;
  }
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

describe.runIf(tmuxAvailable())('taskmcp call in a terminal', () => {
  // A private tmux server: never touches the user's sessions.
  const socket = `taskmcp-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'cli')).stdout;
  let server: Running;
  let url: string;

  beforeAll(async () => {
    server = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0'], { TASKMCP_TASKS_URL: 'memory://' });
    url = (await server.waitFor(/^(http:\S+)$/m))[1]!;
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => {});
    await stopAll([server]);
  });

  it('shows a live progress bar with the status message, and Ctrl-C cancels the task', async () => {
    const command = [...CLI_COMMAND, 'call', 'hold', '--server', url].map(quote).join(' ');
    const shell = `cd ${quote(root)} && ${command}; echo "EXIT=$?"; sleep 60`;
    // bash, not sh: after a child that handled Ctrl-C itself exits, bash goes on to print its exit code.
    await tmux('new-session', '-d', '-s', 'cli', '-x', '120', '-y', '20', 'bash', '-c', shell);

    const bar = await eventually(async () => /\[(#+)(\.+)\]\s+25% Holding/.exec(await screen()), 15_000, 100);
    expect(bar[1]!.length + bar[2]!.length).toBe(24);

    await tmux('send-keys', '-t', 'cli', 'C-c');
    const after = await eventually(
      async () => {
        const text = await screen();
        return text.includes('EXIT=') ? text : undefined;
      },
      15_000,
      100,
    );
    expect(after).toContain('EXIT=130');
    const taskId = /Interrupted: task (\S+) was cancelled\./.exec(after)?.[1];
    expect(taskId).toBeDefined();
    // The bar line was cleared, not left behind.
    expect(after).not.toMatch(/25% Holding/);
    const task = await cli(['tasks', 'get', taskId!, '--server', url, '--json']);
    expect(JSON.parse(task.stdout).status).toBe('cancelled');
  });
});
