/**
 * A tool's `task.immediateResultMs`: a task-creating call whose task ends (or asks for input) within that time answers
 * with the outcome. On 2026-07-28 a completed task's call answers with the tool's result itself; on 2025-11-25 with
 * the task already `completed`. Over real HTTP, both engines, the official SDK v1 client for 2025-11-25 (stateless
 * and in sessions) and taskmcp's client and the raw wire for 2026-07-28.
 */
import { inputRequired, TaskMCP as Server, type TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred } from '../../src/testing/support.js';
import { engineCases } from '../engines.js';
import { connectHttp, rpc, serveOverHttp, text, untilStatus } from '../helpers.js';
import { CallToolResultSchema, CreateTaskResultSchema, connectV1Http } from '../legacy/v1-client.js';

/** Long enough that only a stuck engine reaches it: the wait ends as soon as the task does. */
const GENEROUS_MS = 60_000;

describe.each(engineCases)('immediate task results ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;
  const release = deferred();

  beforeAll(async () => {
    server = new Server({
      name: 'immediate',
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: engine() },
    });
    const Text = z.object({ text: z.string() });
    const immediate = { mode: 'optional', immediateResultMs: GENEROUS_MS } as const;
    server.tool({ name: 'quick', input: Text, task: immediate }, ({ text }) => `quick: ${text}`);
    server.tool({ name: 'quick_structured', input: Text, task: immediate }, ({ text }) => ({
      content: [{ type: 'text', text }],
      structuredContent: { text },
    }));
    server.tool({ name: 'asks', task: immediate }, () =>
      inputRequired({
        inputRequests: { ok: inputRequired.elicit({ message: 'OK?', requestedSchema: z.object({}) }) },
      }),
    );
    server.tool({ name: 'slow', task: { mode: 'optional', immediateResultMs: 0 } }, async () => {
      await release.promise;
      return 'slow done';
    });
    server.tool({ name: 'plain_task', task: true }, () => 'plain done');
    ({ url } = await serveOverHttp(server));
  });

  afterAll(async () => {
    release.resolve();
    await server?.close();
  });

  describe('2026-07-28', () => {
    it('answers a task that completes in time with the result itself, and still keeps the task', async () => {
      const recentQuick = () => server.engine.listRecent({ limit: 1000, toolName: 'quick' });
      const before = (await recentQuick()).length;
      const { result } = await rpc(url, 'tools/call', { name: 'quick', arguments: { text: 'hi' } });
      expect(result).toMatchObject({
        resultType: 'complete',
        content: [{ type: 'text', text: 'quick: hi' }],
      });
      expect(result).not.toHaveProperty('taskId');
      const kept = await recentQuick();
      expect(kept.length).toBe(before + 1);
      expect(kept[0]).toMatchObject({ toolName: 'quick', status: 'completed' });
    });

    it('reaches taskmcp’s client as a plain result', async () => {
      const client = await connectHttp(url);
      try {
        expect(text(await client.callTool('quick', { text: 'client' }))).toBe('quick: client');
      } finally {
        await client.close();
      }
    });

    it('answers a result other than text content as itself over the lean path (the SDK encodes it)', async () => {
      const { result } = await rpc(url, 'tools/call', { name: 'quick_structured', arguments: { text: 's' } });
      expect(result).toMatchObject({ resultType: 'complete', structuredContent: { text: 's' } });
      expect(result).not.toHaveProperty('taskId');
    });

    it('answers the same result as itself when the SDK serves the call (a request the lean path leaves)', async () => {
      const { result } = await rpc(
        url,
        'tools/call',
        { name: 'quick_structured', arguments: { text: 'sdk' } },
        { meta: { progressToken: 'p1' } },
      );
      expect(result).toMatchObject({ resultType: 'complete', structuredContent: { text: 'sdk' } });
    });

    it('answers a task that asks for input with the task, waiting for it', async () => {
      const { result } = await rpc(url, 'tools/call', { name: 'asks' });
      expect(result).toMatchObject({ resultType: 'task', status: 'input_required' });
    });

    it('answers a task still running when the wait is up with a working handle', async () => {
      const { result } = await rpc(url, 'tools/call', { name: 'slow' });
      expect(result).toMatchObject({ resultType: 'task', status: 'working' });
      release.resolve();
      await untilStatus(url, result!.taskId as string, ['completed']);
    });

    it('leaves a tool without the option answering with a handle', async () => {
      const { result } = await rpc(url, 'tools/call', { name: 'plain_task' });
      expect(result).toMatchObject({ resultType: 'task' });
    });

    it('answers a client that did not declare the tasks extension in the foreground, as before', async () => {
      const { result } = await rpc(
        url,
        'tools/call',
        { name: 'quick', arguments: { text: 'fg' } },
        { declare: false },
      );
      expect(result).toMatchObject({ content: [{ type: 'text', text: 'quick: fg' }] });
    });
  });

  describe.each([
    { label: 'stateless', sessions: false },
    { label: 'in sessions', sessions: true },
  ])('2025-11-25, $label, with the SDK v1 client', ({ sessions }) => {
    let legacyServer: TaskMCP;
    let legacyUrl: URL;

    beforeAll(async () => {
      legacyServer = new Server({
        name: 'immediate-legacy',
        version: '1.0.0',
        logger: () => {},
        sessions,
        tasks: { engine: engine() },
      });
      legacyServer.tool(
        { name: 'quick', input: z.object({ text: z.string() }), task: { immediateResultMs: GENEROUS_MS } },
        ({ text }) => `quick: ${text}`,
      );
      ({ url: legacyUrl } = await serveOverHttp(legacyServer));
    });

    afterAll(async () => {
      await legacyServer?.close();
    });

    it('answers the task already completed, and its result at once', async () => {
      const v1 = await connectV1Http(legacyUrl);
      try {
        const { task } = await v1.client.request(
          { method: 'tools/call', params: { name: 'quick', arguments: { text: 'v1' } } },
          CreateTaskResultSchema,
          { task: { ttl: 60_000 } },
        );
        expect(task.status).toBe('completed');
        const result = await v1.client.request(
          { method: 'tasks/result', params: { taskId: task.taskId } },
          CallToolResultSchema,
        );
        expect(result.content).toEqual([{ type: 'text', text: 'quick: v1' }]);
      } finally {
        await v1.close();
      }
    });
  });
});

describe('the immediateResultMs option', () => {
  it('must be a non-negative integer of milliseconds', () => {
    const server = new Server({ name: 'bad', version: '1.0.0', logger: () => {} });
    expect(() => server.tool({ name: 'bad', task: { immediateResultMs: -1 } }, () => 'x')).toThrow(
      "Tool 'bad': task.immediateResultMs must be a non-negative integer (milliseconds), got -1.",
    );
    expect(() => server.tool({ name: 'frac', task: { immediateResultMs: 1.5 } }, () => 'x')).toThrow(
      'task.immediateResultMs must be a non-negative integer',
    );
    expect(() => server.tool({ name: 'zero', task: { immediateResultMs: 0 } }, () => 'x')).not.toThrow();
  });
});
