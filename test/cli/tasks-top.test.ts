/**
 * `taskmcp tasks top` in a real terminal (a tmux pane): tasks appear with their progress as they run, move to the
 * recently ended list when they end, and `q` restores the terminal and exits 0.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { CLI_COMMAND, CLI_SERVER, cli, type Running, root, startCli, stopAll } from './cli.js';

const run = promisify(execFile);
const TOKEN = 'cli-top-admin-token-0123456789';

function tmuxAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('tmux is missing and CI=true: the terminal test must run in CI.');
    console.warn('tmux is not installed: skipping the terminal test of taskmcp tasks top.');
    return false;
  }
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

describe.runIf(tmuxAvailable())('taskmcp tasks top in a terminal', { timeout: 60_000 }, () => {
  // A private tmux server: never touches the user's sessions.
  const socket = `taskmcp-top-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'top')).stdout;
  const until = (check: (text: string) => boolean) =>
    eventually(
      async () => {
        const text = await screen();
        return check(text) ? text : undefined;
      },
      20_000,
      100,
    );
  let server: Running;
  let url: string;

  beforeAll(async () => {
    server = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0', '--dashboard'], {
      TASKMCP_TASKS_URL: 'memory://',
      TASKMCP_DASHBOARD_TOKEN: TOKEN,
    });
    url = (await server.waitFor(/^(http:\S+)$/m))[1]!;
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => {});
    await stopAll([server]);
  });

  it('shows active tasks with progress, moves ended ones below, and quits on q', async () => {
    const command = [...CLI_COMMAND, 'tasks', 'top', '--server', url, '--token', TOKEN].map(quote).join(' ');
    const shell = `cd ${quote(root)} && echo BEFORE-TOP && ${command}; echo "EXIT=$?"; sleep 60`;
    await tmux('new-session', '-d', '-s', 'top', '-x', '140', '-y', '24', 'bash', '-c', shell);
    await until((text) => text.includes('ACTIVE (0)') && text.includes('nothing queued or running'));

    const taskId = (await cli(['call', 'hold', '--detach', '--server', url])).stdout.trim();
    const short = taskId.slice(0, 12);
    const active = await until((text) => text.includes('Holding (1/4)'));
    expect(active).toContain('ACTIVE (1)');
    expect(active).toMatch(/1 working · 0 waiting for input · 0 queued · 0 ended/);
    expect(active).toMatch(
      new RegExp(
        `${short}\\s+hold\\s+working\\s+\\[###\\.{9}\\]  25%\\s+\\d+\\.\\ds\\s+anonymous\\s+Holding \\(1/4\\)`,
      ),
    );

    await cli(['tasks', 'cancel', taskId, '--server', url]);
    const ended = await until((text) => /RECENTLY ENDED[\s\S]*cancelled/.test(text));
    expect(ended).toContain('ACTIVE (0)');
    expect(ended).toMatch(new RegExp(`RECENTLY ENDED\\s+TASK[^\\n]*\\n\\s+${short}\\s+hold\\s+cancelled`));

    await tmux('send-keys', '-t', 'top', 'q');
    const after = await until((text) => text.includes('EXIT='));
    expect(after).toContain('EXIT=0');
    // The alternate screen is gone: the shell's own lines are back, the view is not left behind.
    expect(after).toContain('BEFORE-TOP');
    expect(after).not.toContain('RECENTLY ENDED');
  });
});
