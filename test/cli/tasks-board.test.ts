/**
 * `taskmcp run --dashboard`, `taskmcp tasks list` and `taskmcp tasks top --json` as a shell sees them: the URL
 * notice, listings as text and JSON with filters, and the exit codes (0 ok, 2 usage, 3 no dashboard or refused
 * token, 130 Ctrl-C). `tasks top` on a terminal is in tasks-top.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER, cli, type Running, startCli, stopAll } from './cli.js';

const TOKEN = 'cli-dashboard-admin-token-0123456789';

// Every step spawns a CLI process; on a busy two-core machine each takes seconds.
describe('taskmcp tasks list against taskmcp run --dashboard', { timeout: 60_000 }, () => {
  let server: Running;
  let url: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0', '--dashboard'], {
      TASKMCP_TASKS_URL: 'memory://',
      TASKMCP_DASHBOARD_TOKEN: TOKEN,
    });
    url = (await server.waitFor(/^(http:\S+)$/m))[1]!;
    ids.hold = (await cli(['call', 'hold', '--detach', '--server', url])).stdout.trim();
    const steps = await cli(['call', 'steps', 'steps=2', 'stepMs=0', '--server', url, '--json']);
    expect(steps.code).toBe(0);
    await cli(['call', 'fault', '--server', url]);
  });

  afterAll(() => stopAll([server]));

  it('announces the dashboard URL on stderr, with the token only when it made one', async () => {
    const notice = await server.waitFor(/^Tasks dashboard: (\S+)$/m);
    expect(notice[1]).toBe(new URL('/dashboard/', url).href);
    expect(server.stdout()).toBe(`${url}\n`);

    const made = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0', '--dashboard'], {
      TASKMCP_TASKS_URL: 'memory://',
      TASKMCP_DASHBOARD_TOKEN: '',
    });
    try {
      const [, link, token] = await made.waitFor(/^Tasks dashboard: (\S+)#token=(\S+) \(admin token made/m);
      // Hex, so the pasted token is never read as an option (base64url starts with '-' one time in 64).
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      const listed = await cli(['tasks', 'list', '--server', link!, '--token', token!, '--json']);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject({ viewer: { admin: true }, tasks: [] });
    } finally {
      await stopAll([made]);
    }
  });

  it('lists the tasks newest first as text, one per line, with their owner for the admin', async () => {
    const run = await cli(['tasks', 'list', '--server', url, '--token', TOKEN]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('3 tasks, newest first (admin view: every principal)\n');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\S+\s+fault\s+failed\s+-\s+\d+\.\ds\s+anonymous\s+backend unavailable$/);
    expect(lines[1]).toMatch(/^\S+\s+steps\s+completed\s+\[#{12}\] 100%\s+\d+\.\ds\s+anonymous/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${ids.hold}\\s+hold\\s+working\\s+\\[###\\.{9}\\]  25%\\s+\\d+\\.\\ds\\s+anonymous\\s+Holding \\(1/4\\)$`,
      ),
    );
  });

  it('prints one JSON document with --json, filters by status and tool, and reads the token from the environment', async () => {
    const json = await cli(['tasks', 'list', '--server', url, '--token', TOKEN, '--json']);
    const listing = JSON.parse(json.stdout);
    expect(listing.viewer).toEqual({ admin: true });
    expect(listing.queueDepth).toBe(0);
    expect(listing.tasks.map((task: { toolName: string }) => task.toolName)).toEqual([
      'fault',
      'steps',
      'hold',
    ]);
    expect(listing.tasks[2]).toMatchObject({ taskId: ids.hold, owner: 'anonymous', status: 'working' });

    const working = await cli(['tasks', 'list', '--status', 'working', '--server', url], {
      TASKMCP_DASHBOARD_TOKEN: TOKEN,
    });
    expect(working.code).toBe(0);
    expect(working.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${ids.hold}\\s+hold`)),
    ]);
    const steps = await cli([
      'tasks',
      'list',
      '--tool',
      'steps',
      '--server',
      url,
      '--token',
      TOKEN,
      '--json',
    ]);
    expect(JSON.parse(steps.stdout).tasks.map((task: { toolName: string }) => task.toolName)).toEqual([
      'steps',
    ]);
    const none = await cli(['tasks', 'list', '--tool', 'nothing', '--server', url, '--token', TOKEN]);
    expect(none).toMatchObject({
      code: 0,
      stdout: '',
      stderr: '0 tasks, newest first (admin view: every principal)\n',
    });
  });

  it('exits 3 for a refused token or a server without a dashboard, and 2 for usage errors', async () => {
    const refused = await cli(['tasks', 'list', '--server', url, '--token', 'wrong-token-0123456789'], {
      TASKMCP_DASHBOARD_TOKEN: '',
      TASKMCP_TOKEN: '',
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `The tasks dashboard at ${new URL('/dashboard/', url).href} refused the token`,
    );

    const plain = startCli(['run', CLI_SERVER, '--port', '0', '--drain', '0'], {
      TASKMCP_TASKS_URL: 'memory://',
    });
    try {
      const plainUrl = (await plain.waitFor(/^(http:\S+)$/m))[1]!;
      const missing = await cli(['tasks', 'list', '--server', plainUrl, '--token', TOKEN]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain(
        `serves no tasks dashboard at /dashboard/: start the server with \`taskmcp run --dashboard\``,
      );
    } finally {
      await stopAll([plain]);
    }

    const usage = await Promise.all([
      cli(['tasks', 'list', '--status', 'sleeping', '--server', url, '--token', TOKEN]),
      cli(['tasks', 'list', '--server', CLI_SERVER, '--token', TOKEN]),
      cli(['tasks', 'list', 'some-id', '--server', url]),
      cli(['tasks', 'get', ids.hold!, '--status', 'working', '--server', url]),
      cli(['tasks', 'top', '--server', url, '--token', TOKEN]),
      cli(['run', CLI_SERVER, '--transport', 'stdio', '--dashboard']),
    ]);
    expect(usage.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(usage[0]!.stderr).toContain("Unknown status 'sleeping'");
    expect(usage[1]!.stderr).toContain('must be an http(s):// URL');
    expect(usage[3]!.stderr).toContain('--status applies to tasks list and tasks top');
    expect(usage[4]!.stderr).toContain('tasks top draws on a terminal');
    expect(usage[5]!.stderr).toContain('--dashboard is served over HTTP');
  });

  it('streams events as JSON lines with tasks top --json until Ctrl-C (exit 130)', async () => {
    const top = startCli(['tasks', 'top', '--json', '--server', url, '--token', TOKEN]);
    try {
      await top.waitFor(/"type":"snapshot"/);
      const created = (await cli(['call', 'hold', '--detach', '--server', url])).stdout.trim();
      await top.waitFor(
        new RegExp(`"type":"task","data":\\{"taskId":"${created}"[^\\n]*"statusMessage":"Holding \\(1/4\\)"`),
      );
      await cli(['tasks', 'cancel', created, '--server', url]);
      await top.waitFor(new RegExp(`"taskId":"${created}"[^\\n]*"status":"cancelled"`));
      top.child.kill('SIGINT');
      const finished = await top.exited;
      expect(finished.code).toBe(130);
      for (const line of finished.stdout.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await stopAll([top]);
    }
  });
});
