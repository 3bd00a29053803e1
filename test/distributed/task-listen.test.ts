/**
 * Pushed task notifications across processes (redis engine): the task runs in a `taskmcp worker` process, the
 * subscription is held by a front end that runs no legs, and every change the worker makes reaches the stream
 * through the engine's event bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import { createListenServer } from '../fixtures/listen-server.js';
import { rpc } from '../helpers.js';
import { openListen, SUBSCRIPTION_ID } from '../listen.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const LISTEN_WORKER = CLI_SERVER.replace('cli-server.ts', 'listen-worker.ts');

describe.runIf(enabled)('task notifications for a task run by a taskmcp worker process', () => {
  const name = uniqueName('listen');
  let deployment: FrontAndWorker;

  beforeAll(async () => {
    deployment = await startFrontAndWorker({
      name,
      workerModule: LISTEN_WORKER,
      makeFront: (engine) => createListenServer({ name, engine }),
    });
  });

  afterAll(async () => {
    await deployment?.close();
  });

  it('pushes the input request and the result the worker produced, then ends', async () => {
    const { url } = deployment;
    const created = await rpc(url, 'tools/call', { name: 'confirm', arguments: {} }, { token: 'alice' });
    const taskId = created.result!.taskId as string;
    const stream = await openListen(url, { taskIds: [taskId] }, { token: 'alice', id: 'far' });
    expect(await stream.next()).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { taskIds: [taskId] } },
    });
    let message = await stream.next();
    while (message?.params?.status === 'working') message = await stream.next();
    expect(message).toMatchObject({
      method: 'notifications/tasks',
      params: { taskId, status: 'input_required', _meta: { [SUBSCRIPTION_ID]: 'far' } },
    });
    const [key] = Object.keys(message!.params!.inputRequests as object);
    await rpc(
      url,
      'tasks/update',
      { taskId, inputResponses: { [key!]: { action: 'accept', content: { confirm: true } } } },
      { token: 'alice' },
    );
    const rest = await stream.rest();
    const done = rest.find((note) => note.params?.status === 'completed');
    expect(done?.params?.result).toMatchObject({
      structuredContent: { confirmed: true, pid: deployment.workerPid },
    });
    expect(deployment.workerPid).not.toBe(process.pid);
    expect(rest.at(-1)).toMatchObject({ id: 'far', result: { resultType: 'complete' } });
  });
});
