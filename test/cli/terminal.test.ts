/**
 * `taskmcp call` in a real terminal (a tmux pane, so stderr is a TTY): the live progress bar with the status
 * message, and Ctrl-C cancelling the task (exit 130).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_COMMAND, CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';
import { terminal, tmuxAvailable } from './tmux.js';

describe.runIf(tmuxAvailable('the terminal test of taskmcp call'))('taskmcp call in a terminal', () => {
  const pane = terminal('cli');
  let server: Running;
  let url: string;

  beforeAll(async () => {
    server = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0'], { TASKMCP_TASKS_URL: 'memory://' });
    url = (await server.waitFor(/^(http:\S+)$/m))[1]!;
  });

  afterAll(async () => {
    await pane.close();
    await stopAll([server]);
  });

  it('shows a live progress bar with the status message, and Ctrl-C cancels the task', async () => {
    // bash, not sh: after a child that handled Ctrl-C itself exits, bash goes on to print its exit code.
    await pane.start([...CLI_COMMAND, 'call', 'hold', '--server', url], { width: 120, height: 20 });

    const bar = /\[(#+)(\.+)\]\s+25% Holding/.exec(
      await pane.until((text) => /\[#+\.+\]\s+25% Holding/.test(text)),
    )!;
    expect(bar[1]!.length + bar[2]!.length).toBe(24);

    await pane.tmux('send-keys', '-t', 'cli', 'C-c');
    const after = await pane.until((text) => text.includes('EXIT='));
    expect(after).toContain('EXIT=130');
    const taskId = /Interrupted: task (\S+) was cancelled\./.exec(after)?.[1];
    expect(taskId).toBeDefined();
    // The bar line was cleared, not left behind.
    expect(after).not.toMatch(/25% Holding/);
    const task = await cli(['tasks', 'get', taskId!, '--server', url, '--json']);
    expect(JSON.parse(task.stdout).status).toBe('cancelled');
  });
});
