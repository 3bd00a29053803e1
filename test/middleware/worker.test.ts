/**
 * Middleware around task legs in a separate `taskmcp worker` process (Redis engine): the worker loads the same server
 * module, so the legs it runs pass through the module's middleware, with the caller restored from the snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import { createMiddlewareServer, type EchoView, REFUSED } from '../fixtures/middleware-server.js';
import { rpc, untilStatus } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const MIDDLEWARE_WORKER = CLI_SERVER.replace('cli-server.ts', 'middleware-worker.ts');

describe.runIf(enabled)('middleware in a taskmcp worker process (redis engine)', () => {
  const name = uniqueName('middleware');
  let deployment: FrontAndWorker;

  beforeAll(async () => {
    deployment = await startFrontAndWorker({
      name,
      workerModule: MIDDLEWARE_WORKER,
      makeFront: (engine) => createMiddlewareServer({ name, engine }),
      // The timing middleware's default report is an info line on stderr.
      env: { TASKMCP_LOG_LEVEL: 'info' },
    });
  });

  afterAll(async () => {
    await deployment?.close();
  });

  /** Create a task on the front end and wait for the worker to end it. */
  async function runTask(tool: string, args: Record<string, unknown>, token = 'writer') {
    const { url } = deployment;
    const created = await rpc(url, 'tools/call', { name: tool, arguments: args }, { token });
    expect(created.result?.resultType).toBe('task');
    return untilStatus(url, created.result!.taskId as string, ['completed', 'failed'], token);
  }

  it("runs the leg through the worker's chain, in order, rewriting its arguments and result", async () => {
    const task = await runTask('echo', { text: 'far away' });
    const view = (task.result as { structuredContent: EchoView }).structuredContent;
    expect(view).toMatchObject({
      text: 'far away',
      path: ['first', 'second'],
      out: ['second', 'first'],
      taskId: task.taskId,
    });
    expect(view.pid).toBe(deployment.workerPid);
    expect(view.pid).not.toBe(process.pid);
    // The worker's timing middleware measured the leg.
    await deployment.worker.waitFor(new RegExp(`tool echo \\(task ${task.taskId}, attempt 1\\): ok in \\d`));
  });

  it('short-circuits and refuses in the worker, as in the foreground', async () => {
    expect(await runTask('cached', {})).toMatchObject({
      status: 'completed',
      result: { content: [{ text: 'from cache' }] },
    });
    expect(await runTask('refused_protocol', {})).toMatchObject({
      status: 'failed',
      error: { code: REFUSED, message: 'refused by middleware', data: { by: 'gatekeeper' } },
    });
    expect(await runTask('refused_plain', {})).toMatchObject({
      status: 'completed',
      result: { isError: true, content: [{ text: 'middleware broke' }] },
    });
  });

  it("checks scopes in the worker against the caller's restored token", async () => {
    expect(await runTask('write_note', {}, 'reader')).toMatchObject({
      status: 'failed',
      error: { code: -32012, data: { missingScopes: ['notes:write'] } },
    });
    expect(await runTask('write_note', {}, 'writer')).toMatchObject({
      status: 'completed',
      result: { content: [{ text: 'written' }] },
    });
  });
});
