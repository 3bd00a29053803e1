/**
 * `taskmcp read` and `taskmcp prompt`: a resource read and a prompt get from the shell, as 2025-11-25 tasks with
 * `--task` (followed on stderr, the result on stdout), in the foreground without. The server is the module in
 * test/fixtures/read-tasks-worker.ts, loaded in process. Then `taskmcp tasks watch` on such tasks, created here over
 * HTTP, prints their result as `read` and `prompt` do.
 */
import { CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadTasksServer } from '../fixtures/read-tasks-server.js';
import { serveOverHttp } from '../helpers.js';
import { connectV1Http, type V1Connection } from '../legacy/v1-client.js';
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

describe('taskmcp tasks watch on resource and prompt tasks', () => {
  let served: { url: URL; close(): Promise<void> };
  let v1: V1Connection;
  beforeAll(async () => {
    served = await serveOverHttp(createReadTasksServer());
    v1 = await connectV1Http(served.url);
  });
  afterAll(async () => {
    await v1?.close();
    await served?.close();
  });

  const created = async (method: 'resources/read' | 'prompts/get', params: Record<string, unknown>) =>
    (await v1.client.request({ method, params }, CreateTaskResultSchema, { task: {} })).task.taskId;

  it("prints a resource task's contents, and the ReadResourceResult as it is with --json", async () => {
    const taskId = await created('resources/read', { uri: 'docs://8' });
    const watched = await cli(['tasks', 'watch', taskId, '--server', served.url.href]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toBe(`doc 8 in task ${taskId} pid ${process.pid}\n`);
    const json = await cli(['tasks', 'watch', taskId, '--server', served.url.href, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      contents: [{ uri: 'docs://8', text: `doc 8 in task ${taskId} pid ${process.pid}` }],
    });
  });

  it("prints a prompt task's messages, one role: text line each", async () => {
    const taskId = await created('prompts/get', { name: 'greet', arguments: { name: 'Bo' } });
    const watched = await cli(['tasks', 'watch', taskId, '--server', served.url.href]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toBe(`user: Hello Bo, from task ${taskId} pid ${process.pid}\n`);
  });
});
