/**
 * The proxy in front of an SDK v1 experimental-tasks server (2025-11-25, sessionful HTTP), on every engine: the
 * backend's task modes are kept on the proxy's tools, foreground calls are forwarded, and a proxy task follows its
 * backend task to the end. That server ties each task to the HTTP session that created it, so every leg of the
 * proxy task must come back on that session: status message, result and cancellation all depend on it.
 */
import type { TaskMCP } from 'taskmcp';
import { createProxy } from 'taskmcp/proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { type SdkV1Backend, startSdkV1Backend } from '../fixtures/sdk-v1-backend.js';
import { connectHttp, eventually, listedTaskModes, serveOverHttp, text } from '../helpers.js';
import { CallToolResultSchema, connectV1Http } from '../legacy/v1-client.js';

describe.each(engineCases)('proxy in front of an SDK v1 tasks server ($name engine)', ({ engine }) => {
  let backend: SdkV1Backend;
  let proxy: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    backend = await startSdkV1Backend();
    proxy = await createProxy({
      name: 'v1proxy',
      url: backend.url,
      pollIntervalMs: 10,
      server: { version: '1.0.0', logger: () => {}, tasks: { engine: engine() } },
    });
    ({ url } = await serveOverHttp(proxy));
  });
  afterAll(async () => {
    await proxy?.close();
    await backend?.close();
  });

  it("keeps the backend's task modes", async () => {
    expect(await listedTaskModes(url)).toEqual({
      echo: 'forbidden',
      slow_task: 'optional',
      ask_name: 'required',
      hold_task: 'required',
    });
  });

  it('forwards a foreground call', async () => {
    const client = await connectHttp(url, { era: 'modern' });
    try {
      expect(text(await client.callTool('echo', { text: 'hi' }))).toBe('hi');
    } finally {
      await client.close();
    }
  });

  it('follows the backend task: its status message, then its result', async () => {
    const client = await connectHttp(url, { era: 'modern' });
    const gate = `slow-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await client.callToolTask('slow_task', { gate, text: 'done' });
      expect(handle.id).toBeDefined();
      await eventually(async () => (await handle.status()).statusMessage === 'Halfway there');
      backend.gates.open(gate);
      expect(text(await handle.result())).toBe('done');
      expect(backend.created.has(gate)).toBe(true);
      // The session the task lived on is ended with it.
      await eventually(() => backend.sessions() === 0);
    } finally {
      await client.close();
    }
  });

  it("relays the backend task's input request once asked; the answer reaches it by its request id", async () => {
    const asked: string[] = [];
    const client = await connectHttp(url, {
      era: 'modern',
      onElicit: (params) => {
        asked.push(params.message);
        return { action: 'accept', content: { name: 'Ada' } };
      },
    });
    const gate = `ask-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await client.callToolTask('ask_name', { gate });
      const result = handle.result();
      await eventually(() => backend.answers.has(gate));
      expect(backend.answers.get(gate)).toEqual({ action: 'accept', content: { name: 'Ada' } });
      // The backend task stays input_required while it waits at its gate, and nothing comes on its tasks/result
      // stream: the legs following it keep ending (each look is bounded) instead of one waiting on that stream.
      const taskId = backend.created.get(gate)!;
      const looked = backend.results(taskId);
      await eventually(() => backend.results(taskId) >= looked + 2);
      backend.gates.open(gate);
      expect(text(await result)).toBe('Hello, Ada');
      expect(asked).toEqual(['Name?']);
    } finally {
      await client.close();
    }
  });

  it('cancelling the proxy task cancels the backend task', async () => {
    const client = await connectHttp(url, { era: 'modern' });
    const gate = `hold-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await client.callToolTask('hold_task', { gate });
      await eventually(async () => backend.created.has(gate) && (await handle.status()).status === 'working');
      // A few looks at the backend task went by on its session before the cancel.
      await eventually(async () => backend.looks(backend.created.get(gate)!) >= 2);
      await handle.cancel();
      expect((await handle.status()).status).toBe('cancelled');
      const backendTask = await backend.taskStore.getTask(backend.created.get(gate)!);
      expect(backendTask?.status).toBe('cancelled');
    } finally {
      await client.close();
    }
  });

  it('ends the proxy task cancelled when someone else cancels the backend task', async () => {
    const client = await connectHttp(url, { era: 'modern' });
    const gate = `hold-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await client.callToolTask('hold_task', { gate });
      await eventually(() => backend.created.has(gate));
      const backendTaskId = backend.created.get(gate)!;
      await backend.taskStore.updateTaskStatus(backendTaskId, 'cancelled');
      const ended = await eventually(async () => {
        const status = await handle.status();
        return status.status === 'working' ? undefined : status;
      });
      expect(ended.status).toBe('cancelled');
      expect(ended.statusMessage).toBe(
        `The backend task ${backendTaskId} was cancelled by someone other than this proxy.`,
      );
      // The backend session ends with the task it was kept for.
      await eventually(() => backend.sessions() === 0);
    } finally {
      await client.close();
    }
  });

  it("mirrors a backend task that failed: the proxy task fails with the backend's error", async () => {
    const client = await connectHttp(url, { era: 'modern' });
    const gate = `fail-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await client.callToolTask('slow_task', { gate, text: 'unused' });
      await eventually(() => backend.created.has(gate));
      backend.fail(gate, 'Disk full');
      const v1 = await connectV1Http(url);
      try {
        const result = (await v1.client.experimental.tasks.getTaskResult(
          handle.id!,
          CallToolResultSchema,
        )) as {
          isError?: boolean;
          content: Array<{ text: string }>;
        };
        expect(result.isError).toBe(true);
        expect(result.content[0]?.text).toBe('Disk full');
        expect((await v1.client.experimental.tasks.getTask(handle.id!)).status).toBe('failed');
      } finally {
        await v1.close();
      }
    } finally {
      await client.close();
    }
  });
});
