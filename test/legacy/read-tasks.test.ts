/**
 * Resources, resource templates and prompts as 2025-11-25 tasks, over real Streamable HTTP with the official SDK v1
 * client, on every engine: the capability, `resources/read` and `prompts/get` with `params.task` answered with a
 * CreateTaskResult, the task methods on those tasks, the task modes, and the foreground on 2026-07-28.
 */

import { fileURLToPath } from 'node:url';
import {
  CreateTaskResultSchema,
  GetPromptResultSchema,
  McpError,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createReadTasksServer } from '../fixtures/read-tasks-server.js';
import { connectHttp, eventually, rpc, serveOverHttp } from '../helpers.js';
import { connectV1Http, connectV1Stdio, RELATED_TASK_META_KEY, type V1Connection } from './v1-client.js';

const TASK_MODE_META = 'taskmcp.dev/taskMode';
const root = fileURLToPath(new URL('../..', import.meta.url));

for (const { name, engine } of engineCases) {
  describe(`resources and prompts as 2025-11-25 tasks (${name} engine)`, () => {
    let served: { url: URL; close(): Promise<void> };
    let v1: V1Connection;

    beforeAll(async () => {
      served = await serveOverHttp(createReadTasksServer({ engine: engine() }));
      v1 = await connectV1Http(served.url);
    });
    afterAll(async () => {
      await v1?.close();
      await served?.close();
    });

    const readAsTask = (uri: string, ttl = 60_000) =>
      v1.client.request({ method: 'resources/read', params: { uri } }, CreateTaskResultSchema, {
        task: { ttl },
      });
    const getAsTask = (prompt: string, args?: Record<string, string>) =>
      v1.client.request(
        { method: 'prompts/get', params: { name: prompt, arguments: args } },
        CreateTaskResultSchema,
        { task: {} },
      );
    const textOf = (result: { contents: Array<Record<string, unknown>> }) => result.contents[0]?.text;

    it('declares task-augmented resources/read and prompts/get, and lists each mode under _meta', async () => {
      expect(v1.client.getServerCapabilities()?.tasks).toEqual({
        list: {},
        cancel: {},
        requests: { tools: { call: {} }, resources: { read: {} }, prompts: { get: {} } },
      });
      const { resources } = await v1.client.listResources();
      const modes = Object.fromEntries(resources.map((r) => [r.name, r._meta?.[TASK_MODE_META]]));
      expect(modes).toEqual({ config: 'optional', plain: undefined });
      expect(resources.find((r) => r.name === 'config')).not.toHaveProperty('task');
      const { resourceTemplates } = await v1.client.listResourceTemplates();
      expect(resourceTemplates.find((t) => t.name === 'doc')?._meta?.[TASK_MODE_META]).toBe('required');
      const { prompts } = await v1.client.listPrompts();
      const promptModes = Object.fromEntries(prompts.map((p) => [p.name, p._meta?.[TASK_MODE_META]]));
      expect(promptModes).toEqual({ greet: 'optional', brief: 'required' });
    });

    it('reads a resource as a task: CreateTaskResult, then tasks/get, tasks/list and tasks/result', async () => {
      const { task } = await readAsTask('config://app', 120_000);
      expect(task).toMatchObject({ status: 'working', ttl: 120_000, pollInterval: 50 });
      const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, ReadResourceResultSchema);
      expect(textOf(result)).toBe(`config in task ${task.taskId} pid ${process.pid}`);
      expect(result.contents[0]?.uri).toBe('config://app');
      expect(result._meta).toMatchObject({
        [RELATED_TASK_META_KEY]: { taskId: task.taskId },
        middleware: `seen pid ${process.pid}`,
      });
      expect(await v1.client.experimental.tasks.getTask(task.taskId)).toMatchObject({
        taskId: task.taskId,
        status: 'completed',
      });
      const listed = await v1.client.experimental.tasks.listTasks();
      expect(listed.tasks.map((t) => t.taskId)).toContain(task.taskId);
      // Without params.task the same resource is read in the foreground.
      expect(textOf(await v1.client.readResource({ uri: 'config://app' }))).toBe(
        `config in foreground pid ${process.pid}`,
      );
    });

    it('reads a template resource that only runs as a task, with its variables', async () => {
      await expect(v1.client.readResource({ uri: 'docs://42' })).rejects.toMatchObject({ code: -32601 });
      const { task } = await readAsTask('docs://42');
      expect(task.ttl).toBe(60_000);
      const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, ReadResourceResultSchema);
      expect(textOf(result)).toBe(`doc 42 in task ${task.taskId} pid ${process.pid}`);
    });

    it('refuses params.task on a resource that never runs as a task, and still reads unknown URIs as before', async () => {
      const refused = await readAsTask('plain://note').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(McpError);
      expect(refused).toMatchObject({ code: -32601 });
      expect((refused as Error).message).toContain("Resource 'plain' does not run as a task");
      expect(textOf(await v1.client.readResource({ uri: 'plain://note' }))).toBe(
        `plain in foreground pid ${process.pid}`,
      );
      // Resource not found: -32002, which this era's codec sends as -32602.
      await expect(readAsTask('nowhere://x')).rejects.toMatchObject({ code: -32602 });
    });

    it('gets a prompt as a task, with its arguments checked when the task is created', async () => {
      const { task } = await getAsTask('greet', { name: 'Ada' });
      const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, GetPromptResultSchema);
      expect(result.messages[0]?.content).toEqual({
        type: 'text',
        text: `Hello Ada, from task ${task.taskId} pid ${process.pid}`,
      });
      expect(result._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId: task.taskId });
      await expect(getAsTask('greet', {})).rejects.toMatchObject({ code: -32602 });
      await expect(v1.client.getPrompt({ name: 'brief' })).rejects.toMatchObject({ code: -32601 });
      const brief = await getAsTask('brief');
      const got = await v1.client.experimental.tasks.getTaskResult(brief.task.taskId, GetPromptResultSchema);
      expect(got.messages[0]?.content).toMatchObject({
        text: `brief from task ${brief.task.taskId} pid ${process.pid}`,
      });
    });

    it('cancels a resource read task; tasks/result then answers an error', async () => {
      const { task } = await readAsTask('hold://cancel-me');
      await eventually(
        async () => (await v1.client.experimental.tasks.getTask(task.taskId)).status === 'working',
      );
      const cancelled = await v1.client.experimental.tasks.cancelTask(task.taskId);
      expect(cancelled).toMatchObject({ taskId: task.taskId, status: 'cancelled' });
      await expect(
        v1.client.experimental.tasks.getTaskResult(task.taskId, ReadResourceResultSchema),
      ).rejects.toBeInstanceOf(McpError);
      expect((await v1.client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
    });

    it('lets the bundled client read and get them as tasks with { task: true }', async () => {
      const legacy = await connectHttp(served.url, { era: 'legacy' });
      try {
        const seen: string[] = [];
        const read = await legacy.readResource('docs://9', {
          task: true,
          onProgress: (task) => seen.push(task.taskId),
        });
        expect(seen.length).toBeGreaterThan(0);
        expect(textOf(read)).toBe(`doc 9 in task ${seen[0]} pid ${process.pid}`);
        const prompt = await legacy.getPrompt('greet', { name: 'Lin' }, { task: true });
        expect(prompt.messages[0]?.content).toMatchObject({
          text: expect.stringMatching(/^Hello Lin, from task t/),
        });
        // Without `task` an optional resource is read in the foreground; a required one is refused.
        expect(textOf(await legacy.readResource('config://app'))).toBe(
          `config in foreground pid ${process.pid}`,
        );
        await expect(legacy.readResource('docs://9')).rejects.toMatchObject({ code: -32601 });
      } finally {
        await legacy.close();
      }
      // On 2026-07-28 the same request is answered in the foreground.
      const modern = await connectHttp(served.url, { era: 'modern' });
      try {
        const read = await modern.readResource('docs://9', { task: true });
        expect(textOf(read)).toBe(`doc 9 in foreground pid ${process.pid}`);
        const prompt = await modern.getPrompt('brief', {}, { task: true });
        expect(prompt.messages[0]?.content).toMatchObject({
          text: `brief from foreground pid ${process.pid}`,
        });
      } finally {
        await modern.close();
      }
    });

    it('reads and gets them in the foreground on 2026-07-28, whatever their mode', async () => {
      const doc = await rpc(
        served.url,
        'resources/read',
        { uri: 'docs://7', task: { ttl: 1000 } },
        { headers: { 'mcp-name': 'docs://7' } },
      );
      expect(doc.error).toBeUndefined();
      expect(doc.result).toMatchObject({
        resultType: 'complete',
        contents: [{ uri: 'docs://7', text: `doc 7 in foreground pid ${process.pid}` }],
      });
      const brief = await rpc(
        served.url,
        'prompts/get',
        { name: 'brief' },
        { headers: { 'mcp-name': 'brief' } },
      );
      expect(brief.result).toMatchObject({
        messages: [{ content: { text: `brief from foreground pid ${process.pid}` } }],
      });
      const { result } = await rpc(served.url, 'resources/list');
      const listed = (result?.resources as Array<{ name: string; _meta?: Record<string, unknown> }>) ?? [];
      expect(listed.find((r) => r.name === 'config')?._meta?.[TASK_MODE_META]).toBeUndefined();
    });
  });
}

describe('a prompt as a 2025-11-25 task over stdio', () => {
  it('notifies its status on the connection and answers tasks/result', async () => {
    const v1 = await connectV1Stdio({
      command: `${root}node_modules/.bin/tsx`,
      args: [`${root}test/fixtures/read-tasks-stdio.ts`],
      cwd: root,
      env: process.env as Record<string, string>,
    });
    try {
      const { task } = await v1.client.request(
        { method: 'prompts/get', params: { name: 'brief' } },
        CreateTaskResultSchema,
        { task: {} },
      );
      await eventually(async () =>
        v1.recorded.statuses.some((s) => s.taskId === task.taskId && s.status === 'completed'),
      );
      const result = await v1.client.experimental.tasks.getTaskResult(task.taskId, GetPromptResultSchema);
      expect(result.messages[0]?.content).toMatchObject({
        text: expect.stringMatching(`^brief from task ${task.taskId}`),
      });
    } finally {
      await v1.close();
    }
  });
});

describe("a mounted server's resources and prompts as tasks", () => {
  it('keep the task defaults of the server they were registered on, as its tools do', async () => {
    const child = new TaskMCP({
      name: 'kid',
      version: '1.0.0',
      logger: () => {},
      tasks: { defaultTtlMs: 90_000, defaultPollIntervalMs: 70 },
    })
      .resource('note', 'note://x', { task: true }, (uri) => ({
        contents: [{ uri: uri.href, text: 'kid note' }],
      }))
      .prompt('hint', { task: { mode: 'required', ttlMs: 30_000 } }, () => ({
        messages: [{ role: 'user', content: { type: 'text', text: 'kid hint' } }],
      }));
    const parent = new TaskMCP({
      name: 'parent',
      version: '1.0.0',
      logger: () => {},
      tasks: { defaultTtlMs: 600_000, defaultPollIntervalMs: 40 },
    }).mount(child, { prefix: 'kid' });
    const served = await serveOverHttp(parent);
    const v1 = await connectV1Http(served.url);
    try {
      const read = await v1.client.request(
        { method: 'resources/read', params: { uri: 'note://kid/x' } },
        CreateTaskResultSchema,
        { task: {} },
      );
      expect(read.task).toMatchObject({ ttl: 90_000, pollInterval: 70 });
      const got = await v1.client.request(
        { method: 'prompts/get', params: { name: 'kid_hint' } },
        CreateTaskResultSchema,
        { task: {} },
      );
      expect(got.task).toMatchObject({ ttl: 30_000, pollInterval: 70 });
      const result = await v1.client.experimental.tasks.getTaskResult(
        read.task.taskId,
        ReadResourceResultSchema,
      );
      expect(result.contents[0]).toMatchObject({ uri: 'note://kid/x', text: 'kid note' });
    } finally {
      await v1.close();
      await served.close();
    }
  });
});
