/** The taskmcp client against a server that negotiates 2025-11-25: `callTool` drives this era's tasks too. */
import type { TaskMCP } from 'taskmcp';
import { type Client, TaskCancelledError, type TaskInfo } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { answerAdaAndYes, createTestServer } from '../fixtures/test-server.js';
import { connectHttp, serveOverHttp, text } from '../helpers.js';

describe.each(engineCases)('taskmcp client on 2025-11-25 ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;
  let client: Client;
  beforeAll(async () => {
    server = createTestServer({ engine: engine() });
    ({ url } = await serveOverHttp(server));
    client = await connectHttp(url, { era: 'legacy', onElicit: answerAdaAndYes });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('runs task-capable tools as tasks and the rest in the foreground', async () => {
    expect(client.protocolVersion).toBe('2025-11-25');
    const seen = (await client.callTool('whoami', { label: 'legacy-client' })).structuredContent;
    expect(seen).toMatchObject({ label: 'legacy-client', after: { taskId: expect.stringMatching(/^t/) } });
    expect(text(await client.callTool('task_only', { n: 3 }))).toBe('square: 9');
    expect(text(await client.callTool('hello', { name: 'era' }))).toBe('Hello, era!');
  });

  it('reports task states while polling, in the 2026-07-28 model', async () => {
    const states: TaskInfo[] = [];
    const result = await client.callTool(
      'progress',
      { steps: 3, stepMs: 60 },
      { onProgress: (t) => states.push(t) },
    );
    expect(text(result)).toBe('done after 3 steps');
    expect(states[0]).toMatchObject({ ttlMs: expect.any(Number), pollIntervalMs: 20 });
    expect(states.some((state) => state.statusMessage?.startsWith('step'))).toBe(true);
  });

  it('returns an isError result and rejects a JSON-RPC failure, as a foreground call would', async () => {
    expect(await client.callTool('tool_error')).toMatchObject({ isError: true });
    await expect(client.callTool('protocol_fault')).rejects.toMatchObject({
      name: 'TaskFailedError',
      code: -32603,
      data: { backend: 'db' },
    });
  });

  it('answers in-task input through onElicit on the tasks/result stream', async () => {
    expect(text(await client.callTool('ask_two'))).toBe('name=Ada ok=true');
  });

  it('cancels a task started with callToolTask', async () => {
    const handle = await client.callToolTask('wait_for_cancel', { label: 'legacy-client-cancel' });
    await handle.wait({ status: 'working' });
    await handle.cancel();
    expect((await handle.wait()).status).toBe('cancelled');
    await expect(handle.result()).rejects.toBeInstanceOf(TaskCancelledError);
  });

  it('stays in the foreground when tasks are turned off', async () => {
    const plain = await connectHttp(url, { era: 'legacy', tasks: false });
    try {
      const seen = (await plain.callTool('whoami', { label: 'no-tasks' })).structuredContent;
      expect(seen).toMatchObject({ after: { taskId: null } });
    } finally {
      await plain.close();
    }
  });
});
