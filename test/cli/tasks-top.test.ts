/**
 * `taskmcp tasks top` in a real terminal (a tmux pane): tasks appear with their progress as they run, move to the
 * recently ended list when they end, and `q` restores the terminal and exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_COMMAND, CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';
import { terminal, tmuxAvailable } from './tmux.js';

const TOKEN = 'cli-top-admin-token-0123456789';

describe.runIf(tmuxAvailable('the terminal test of taskmcp tasks top'))(
  'taskmcp tasks top in a terminal',
  { timeout: 60_000 },
  () => {
    const pane = terminal('top');
    const until = (check: (text: string) => boolean) => pane.until(check);
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
      await pane.close();
      await stopAll([server]);
    });

    it('shows active tasks with progress, moves ended ones below, and quits on q', async () => {
      const command = [...CLI_COMMAND, 'tasks', 'top', '--server', url, '--token', TOKEN];
      await pane.start(command, { width: 140, height: 24 }, 'echo BEFORE-TOP && ');
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

      await pane.tmux('send-keys', '-t', 'top', 'q');
      const after = await until((text) => text.includes('EXIT='));
      expect(after).toContain('EXIT=0');
      // The alternate screen is gone: the shell's own lines are back, the view is not left behind.
      expect(after).toContain('BEFORE-TOP');
      expect(after).not.toContain('RECENTLY ENDED');
    });
  },
);
