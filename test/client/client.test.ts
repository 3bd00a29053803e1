/**
 * The client against a server in the same process (`Client.connect({ server })`), on every engine: it drives tasks
 * to their result, answers in-task input, cancels on abort and on its deadline, and paces its polls.
 */
import type { TaskMCP } from 'taskmcp';
import { CallTimeoutError, Client, TaskHandle, type TaskInfo, taskModeOf } from 'taskmcp/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { engineCases } from '../engines.js';
import { answerAdaAndYes, createTestServer } from '../fixtures/test-server.js';
import { eventually, text } from '../helpers.js';

describe.each(engineCases)('taskmcp/client in process ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let client: Client;

  beforeAll(async () => {
    server = createTestServer({ engine: engine() });
    client = await Client.connect({ server }, { onElicit: answerAdaAndYes });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('lists tools with their task mode', async () => {
    const modes = Object.fromEntries((await client.listTools()).map((tool) => [tool.name, taskModeOf(tool)]));
    expect(modes).toMatchObject({ hello: 'forbidden', progress: 'optional', task_only: 'required' });
  });

  it('drives a task to its result, yielding status and progress updates on the way', async () => {
    const handle = await client.callToolTask('progress', { steps: 3, stepMs: 30 });
    expect(handle.id).toMatch(/^t[A-Za-z0-9_-]{22}$/);
    const updates: TaskInfo[] = [];
    for await (const update of handle) updates.push(update);
    expect(updates.at(-1)?.status).toBe('completed');
    expect(updates.some((update) => /^step [1-3] \([1-3]\/3\)$/.test(update.statusMessage ?? ''))).toBe(true);
    const result = await handle.result();
    expect(result.content).toEqual([{ type: 'text', text: 'done after 3 steps' }]);
    expect(result.isError).toBeUndefined();
  });

  it('returns the final result of a task-only tool from callTool', async () => {
    expect(text(await client.callTool('task_only', { n: 7 }))).toBe('square: 49');
  });

  it('answers input the task asks for through onElicit', async () => {
    expect(text(await client.callTool('ask_two'))).toBe('name=Ada ok=true');
  });

  it('cancels the task when the caller aborts', async () => {
    const controller = new AbortController();
    let taskId: string | undefined;
    const call = client.callTool(
      'wait_for_cancel',
      { label: 'client-abort' },
      {
        signal: controller.signal,
        onProgress: (task) => {
          taskId = task.taskId;
          controller.abort(new Error('user pressed stop'));
        },
      },
    );
    await expect(call).rejects.toThrow('user pressed stop');
    const final = await eventually(async () => {
      const task = await client.getTask(taskId!);
      return task.status === 'cancelled' ? task : undefined;
    });
    expect(final.status).toBe('cancelled');
  });

  it('gives up at timeoutMs with a CallTimeoutError naming the deadline, and cancels the task', async () => {
    const call = client.callTool('wait_for_cancel', { label: 'client-timeout' }, { timeoutMs: 300 });
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect((error as CallTimeoutError).message).toMatch(
      /did not finish within 300 ms \(task \S+ was cancelled\)/,
    );
    const taskId = (error as CallTimeoutError).taskId!;
    await eventually(async () => (await client.getTask(taskId)).status === 'cancelled');
  });
});

describe('task polling pace', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['without', undefined],
    ['with', () => {}],
  ])(
    'starts at 20 ms and doubles, never waiting longer than pollIntervalMs, %s progress updates',
    async (_, onUpdate) => {
      vi.useFakeTimers();
      const polledAt: number[] = [];
      const updates: string[] = [];
      const start = Date.now();
      const ops = {
        initialPollMs: 20,
        getTask: async (taskId: string): Promise<TaskInfo> => {
          polledAt.push(Date.now() - start);
          const done = polledAt.length === 7;
          return {
            taskId,
            statusMessage: `poll ${polledAt.length}`,
            status: done ? 'completed' : 'working',
            createdAt: '',
            lastUpdatedAt: '',
            ttlMs: 60_000,
            pollIntervalMs: 100,
            ...(done ? { result: { content: [] } } : {}),
          };
        },
        cancelTask: async () => {},
        answerInput: async () => {},
      };
      const handle = new TaskHandle(ops, { taskId: 't1', status: 'working' } as TaskInfo);
      const result = handle.result({
        onUpdate: onUpdate && ((task) => updates.push(task.statusMessage!)),
      });
      await vi.runAllTimersAsync();
      await result;
      const gaps = polledAt.slice(1).map((at, index) => at - polledAt[index]!);
      // Progress updates ride on the same polls: asking for them never adds a second poller.
      expect(gaps).toEqual([20, 40, 80, 100, 100, 100]);
      if (onUpdate) expect(updates).toEqual(polledAt.map((_, index) => `poll ${index + 1}`));
    },
  );
});
