/**
 * A mounted child's task tool run by a separate `taskmcp worker` process (Redis engine): the worker loads the parent's
 * module, whose mount registers the prefixed tools at load, so it runs the leg with the child's retry policy,
 * dependencies and middleware, inside the parent's.
 */
import type { TaskMCP } from 'taskmcp';
import { RedisTaskEngine } from 'taskmcp/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER, type Running, startCli, stopAll } from '../cli/cli.js';
import { createMountedServer, type SeenView } from '../fixtures/mounted-server.js';
import { rpc, untilStatus } from '../helpers.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const MOUNTED_WORKER = CLI_SERVER.replace('cli-server.ts', 'mounted-worker.ts');

describe.runIf(enabled)('a mounted task tool in a taskmcp worker process (redis engine)', () => {
  const name = uniqueName('mounted');
  let front: TaskMCP;
  let url: URL;
  let worker: Running;
  let workerPid: number;

  beforeAll(async () => {
    worker = startCli(['worker', MOUNTED_WORKER, '--concurrency', '2'], {
      TASKMCP_TASKS_URL: REDIS_URL,
      TASKMCP_TASKS_PREFIX: TEST_PREFIX,
      CLI_SERVER_NAME: name,
    });
    front = createMountedServer({
      name,
      engine: new RedisTaskEngine({ url: REDIS_URL, name, prefix: TEST_PREFIX }),
    });
    const [running, ready] = await Promise.all([
      front.run({ transport: 'http', port: 0, worker: false }),
      worker.waitFor(/worker ready .*pid (\d+)/),
    ]);
    url = running.url!;
    workerPid = Number(ready[1]);
  });

  afterAll(async () => {
    await front?.close();
    await stopAll(worker ? [worker] : []);
  });

  it('runs the prefixed tool with the child retry, dependencies and middleware in the worker', async () => {
    const created = await rpc(url, 'tools/call', { name: 'crm_report', arguments: {} });
    expect(created.result?.resultType).toBe('task');
    const task = await untilStatus(url, created.result!.taskId as string, ['completed', 'failed']);
    expect(task.status).toBe('completed');
    const view = (task.result as { structuredContent: SeenView }).structuredContent;
    expect(view).toEqual({
      toolName: 'crm_report',
      trail: ['parent', 'child:report'],
      pid: workerPid,
      taskId: task.taskId,
      attempt: 2,
      stamp: 'stamp for crm_report',
    });
    expect(view.pid).not.toBe(process.pid);
  });
});
