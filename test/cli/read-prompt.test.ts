/**
 * `taskmcp read` and `taskmcp prompt`: a resource read and a prompt get from the shell, as 2025-11-25 tasks with
 * `--task` (followed on stderr, the result on stdout), in the foreground without. The server is the module in
 * test/fixtures/read-tasks-worker.ts, loaded in process.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './cli.js';

const SERVER = 'test/fixtures/read-tasks-worker.ts';

describe('taskmcp read and taskmcp prompt', () => {
  it('reads a resource as a task with --task, its progress on stderr and only the contents on stdout', async () => {
    const run = await cli(['read', 'docs://5', '--task', '--server', SERVER]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^doc 5 in task (t\S+) pid \d+\n$/);
    const taskId = /in task (\S+)/.exec(run.stdout)![1]!;
    expect(run.stderr).toContain(`task ${taskId} completed`);
  });

  it('reads in the foreground without --task, and prints the ReadResourceResult with --json', async () => {
    const run = await cli(['read', 'config://app', '--server', SERVER, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.contents[0]).toMatchObject({
      uri: 'config://app',
      text: expect.stringMatching(/^config in foreground/),
    });
    expect(run.stderr).toBe('');
  });

  it('gets a prompt as a task with string arguments', async () => {
    const run = await cli(['prompt', 'greet', 'name=Ada', '--task', '--server', SERVER]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^user: Hello Ada, from task t\S+ pid \d+\n$/);
  });

  it('exits 3 with the JSON-RPC error when the resource refuses --task, and 2 without a URI', async () => {
    const refused = await cli(['read', 'plain://note', '--task', '--server', SERVER]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("Resource 'plain' does not run as a task");
    expect(refused.stdout).toBe('');
    const usage = await cli(['read', '--server', SERVER]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Name one resource URI to read.');
  });
});
