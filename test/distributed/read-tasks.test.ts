/**
 * Resource reads and prompt gets run as 2025-11-25 tasks by a separate `taskmcp worker` process (Redis engine): the
 * front end creates the task, the worker, which loaded the same server module, finds the resource or prompt by the
 * task's name and runs it with the server's middleware; the SDK v1 client gets the result with tasks/result.
 */
import { GetPromptResultSchema, ReadResourceResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SERVER } from '../cli/cli.js';
import { type FrontAndWorker, startFrontAndWorker } from '../distributed.js';
import { createReadTasksServer } from '../fixtures/read-tasks-server.js';
import { CreateTaskResultSchema, connectV1Http, type V1Connection } from '../legacy/v1-client.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const READ_TASKS_WORKER = CLI_SERVER.replace('cli-server.ts', 'read-tasks-worker.ts');

describe.runIf(enabled)('resource and prompt tasks in a taskmcp worker process (redis engine)', () => {
  const name = uniqueName('read-tasks');
  let deployment: FrontAndWorker;
  let v1: V1Connection;

  beforeAll(async () => {
    deployment = await startFrontAndWorker({
      name,
      workerModule: READ_TASKS_WORKER,
      makeFront: (engine) => createReadTasksServer({ name, engine }),
    });
    v1 = await connectV1Http(deployment.url);
  });

  afterAll(async () => {
    await v1?.close();
    await deployment?.close();
  });

  it('reads a template resource in the worker, through its middleware', async () => {
    const { workerPid } = deployment;
    expect(workerPid).not.toBe(process.pid);
    const { task } = await v1.client.request(
      { method: 'resources/read', params: { uri: 'docs://w1' } },
      CreateTaskResultSchema,
      { task: {} },
    );
    const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, ReadResourceResultSchema);
    expect((result.contents[0] as { text?: string }).text).toBe(
      `doc w1 in task ${task.taskId} pid ${workerPid}`,
    );
    expect(result._meta?.middleware).toBe(`seen pid ${workerPid}`);
  });

  it('gets a prompt with its arguments in the worker', async () => {
    const { task } = await v1.client.request(
      { method: 'prompts/get', params: { name: 'greet', arguments: { name: 'Grace' } } },
      CreateTaskResultSchema,
      { task: {} },
    );
    const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, GetPromptResultSchema);
    expect(result.messages[0]?.content).toEqual({
      type: 'text',
      text: `Hello Grace, from task ${task.taskId} pid ${deployment.workerPid}`,
    });
  });
});
