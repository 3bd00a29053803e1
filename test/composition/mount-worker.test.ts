/**
 * A mounted child's task tool run by a separate `taskmcp worker` process (Redis engine): the worker loads the parent's
 * module, whose mount registers the prefixed tools at load, so it runs the leg with the child's retry policy,
 * dependencies and middleware, inside the parent's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import { createMountedServer, type SeenView } from '../fixtures/mounted-server.js';
import { rpc, untilStatus } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const MOUNTED_WORKER = CLI_SERVER.replace('cli-server.ts', 'mounted-worker.ts');

describe.runIf(enabled)('a mounted task tool in a taskmcp worker process (redis engine)', () => {
  const name = uniqueName('mounted');
  let deployment: FrontAndWorker;

  beforeAll(async () => {
    deployment = await startFrontAndWorker({
      name,
      workerModule: MOUNTED_WORKER,
      makeFront: (engine) => createMountedServer({ name, engine }),
    });
  });

  afterAll(async () => {
    await deployment?.close();
  });

  it('runs the prefixed tool with the child retry, dependencies and middleware in the worker', async () => {
    const { url, workerPid } = deployment;
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
