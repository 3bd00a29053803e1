/**
 * The 2025-11-25 tasks behaviour every transport must show, driven by the official SDK v1 client. Each transport's
 * test file runs it on every engine with a way to connect; `alice` and `bob` are two principals where the transport
 * authenticates (HTTP), and the same anonymous principal otherwise.
 */
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, text } from '../helpers.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  RELATED_TASK_META_KEY,
  type V1Connection,
} from './v1-client.js';

export interface LegacyTransport {
  /** Whether alice and bob are different principals on this transport. */
  authenticates: boolean;
  /** Tasks per tasks/list page the server is configured with. */
  pageSize: number;
}

export interface LegacySetup {
  connect(principal: 'alice' | 'bob'): Promise<V1Connection>;
  close(): Promise<void>;
}

export function describeLegacyTasks(
  title: string,
  transport: LegacyTransport,
  setup: () => Promise<LegacySetup>,
): void {
  describe(title, () => {
    let env: LegacySetup;
    let alice: V1Connection;
    const connections: V1Connection[] = [];
    const connect = async (principal: 'alice' | 'bob') => {
      const connection = await env.connect(principal);
      connections.push(connection);
      return connection;
    };

    beforeAll(async () => {
      env = await setup();
      alice = await connect('alice');
    });
    afterAll(async () => {
      await Promise.all(connections.map((connection) => connection.close()));
      await env?.close();
    });

    /** tools/call with params.task, answered with the nested CreateTaskResult. */
    const createTask = (
      client: V1Connection,
      name: string,
      args: Record<string, unknown> = {},
      ttl = 60_000,
      onprogress?: (progress: { progress: number; total?: number }) => void,
    ) =>
      client.client.request(
        { method: 'tools/call', params: { name, arguments: args } },
        CreateTaskResultSchema,
        { task: { ttl }, onprogress },
      );
    const resultOf = (client: V1Connection, taskId: string) =>
      client.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    const rawCall = (client: V1Connection, params: Record<string, unknown>) =>
      client.client.request({ method: 'tools/call', params: params as never }, CallToolResultSchema);

    it('negotiates 2025-11-25 with the tasks capability and advertises taskSupport per tool', async () => {
      expect(alice.client.getServerCapabilities()?.tasks).toEqual({
        list: {},
        cancel: {},
        requests: { tools: { call: {} } },
      });
      const { tools } = await alice.client.listTools();
      const support = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]));
      expect(support).toMatchObject({ hello: 'forbidden', whoami: 'optional', task_only: 'required' });
    });

    it('answers a task-augmented call with a CreateTaskResult, honouring the ttl within the bounds', async () => {
      const { task } = await createTask(alice, 'task_only', { n: 4 }, 120_000);
      expect(task).toMatchObject({ status: 'working', ttl: 120_000, pollInterval: 20 });
      expect(task.taskId).toMatch(/^t/);
      expect(Date.parse(task.createdAt)).not.toBeNaN();
      expect(Date.parse(task.lastUpdatedAt)).not.toBeNaN();
      const capped = await createTask(alice, 'task_only', { n: 1 }, 10 * 24 * 60 * 60_000);
      expect(capped.task.ttl).toBe(24 * 60 * 60_000);
      const raised = await createTask(alice, 'task_only', { n: 1 }, 1);
      expect(raised.task.ttl).toBe(5_000);
      await expect(createTask(alice, 'task_only', { n: 1 }, -5)).rejects.toMatchObject({ code: -32602 });
      const got = await alice.client.experimental.tasks.getTask(task.taskId);
      expect(got).toMatchObject({ taskId: task.taskId, pollInterval: 20 });
      expect(got.status).toMatch(/working|completed/);
      // Retention from creation: the requested ttl while running; once ended, ttl after the end.
      const ranFor = Date.parse(got.lastUpdatedAt) - Date.parse(got.createdAt);
      expect(got.ttl).toBe(got.status === 'working' ? 120_000 : 120_000 + ranFor);
      expect(text(await resultOf(alice, task.taskId))).toBe('square: 16');
    });

    it('refuses params.task on a forbidden tool and a plain call to a required one with -32601', async () => {
      await expect(
        alice.client.request(
          { method: 'tools/call', params: { name: 'hello', arguments: { name: 'x' } } },
          CreateTaskResultSchema,
          { task: { ttl: 1000 } },
        ),
      ).rejects.toMatchObject({ code: -32601 });
      await expect(rawCall(alice, { name: 'task_only', arguments: { n: 2 } })).rejects.toMatchObject({
        code: -32601,
      });
      // an optional tool still runs in the foreground without params.task
      const plain = await alice.client.callTool({ name: 'whoami', arguments: { label: 'plain' } });
      expect(plain.structuredContent).toMatchObject({ label: 'plain', after: { taskId: null } });
    });

    it('blocks tasks/result until the task ends, then returns the result with related-task _meta', async () => {
      const { task } = await createTask(alice, 'whoami', { label: 'legacy-result', delayMs: 200 });
      const result = await resultOf(alice, task.taskId);
      expect(result.structuredContent).toMatchObject({
        label: 'legacy-result',
        sameContext: true,
        after: { taskId: task.taskId },
      });
      expect(result._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId: task.taskId });
      expect((await alice.client.experimental.tasks.getTask(task.taskId)).status).toBe('completed');
    });

    it('returns the same JSON-RPC error from tasks/result when the tool failed with one', async () => {
      const { task } = await createTask(alice, 'protocol_fault');
      const failure = await resultOf(alice, task.taskId).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(McpError);
      expect(failure).toMatchObject({ code: -32603, data: { backend: 'db' } });
      expect((failure as Error).message).toContain('backend unavailable');
      const got = await alice.client.experimental.tasks.getTask(task.taskId);
      expect(got).toMatchObject({ status: 'failed', statusMessage: 'backend unavailable' });
    });

    it('marks a task whose tool returned isError as failed, and still returns that result', async () => {
      const { task } = await createTask(alice, 'tool_error');
      const result = await resultOf(alice, task.taskId);
      expect(result).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: 'the widget is broken' }],
      });
      const got = await alice.client.experimental.tasks.getTask(task.taskId);
      expect(got).toMatchObject({ status: 'failed', statusMessage: 'the widget is broken' });
    });

    it('lists only the caller’s tasks, page by page, with opaque cursors', async () => {
      const lister = await connect('bob');
      const mine = new Set<string>();
      for (let i = 0; i < transport.pageSize * 2 + 1; i++) {
        mine.add((await createTask(lister, 'whoami', { label: `list-${i}` })).task.taskId);
      }
      const foreign = transport.authenticates
        ? (await createTask(alice, 'whoami', { label: 'other' })).task.taskId
        : '';
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await lister.client.experimental.tasks.listTasks(cursor);
        expect(page.tasks.length).toBeLessThanOrEqual(transport.pageSize);
        for (const task of page.tasks) {
          expect(task).toHaveProperty('createdAt');
          seen.push(task.taskId);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of mine) expect(seen).toContain(id);
      if (transport.authenticates) expect(seen).not.toContain(foreign);
      await expect(lister.client.experimental.tasks.listTasks('not-a-cursor')).rejects.toMatchObject({
        code: -32602,
      });
    });

    it('cancels a running task: the answer is the task already cancelled; a terminal task is -32602', async () => {
      const { task } = await createTask(alice, 'wait_for_cancel', { label: `legacy-cancel-${title}` });
      await eventually(
        async () => (await alice.client.experimental.tasks.getTask(task.taskId)).status === 'working',
      );
      const cancelled = await alice.client.experimental.tasks.cancelTask(task.taskId);
      expect(cancelled).toMatchObject({ taskId: task.taskId, status: 'cancelled' });
      expect((await alice.client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
      await expect(alice.client.experimental.tasks.cancelTask(task.taskId)).rejects.toMatchObject({
        code: -32602,
      });
      await expect(alice.client.experimental.tasks.getTask('tnosuchtask')).rejects.toMatchObject({
        code: -32602,
      });
      await expect(resultOf(alice, 'tnosuchtask')).rejects.toMatchObject({ code: -32602 });
    });

    it.runIf(transport.authenticates)(
      'answers another principal’s task id exactly like an unknown one',
      async () => {
        const bob = await connect('bob');
        const { task } = await createTask(alice, 'whoami', { label: 'private', delayMs: 100 });
        for (const attempt of [
          () => bob.client.experimental.tasks.getTask(task.taskId),
          () => resultOf(bob, task.taskId),
          () => bob.client.experimental.tasks.cancelTask(task.taskId),
        ]) {
          const foreign = await attempt().catch((error: McpError) => error);
          const unknown = await bob.client.experimental.tasks
            .getTask('tunknown')
            .catch((error: McpError) => error);
          expect(foreign).toMatchObject({ code: -32602 });
          expect((foreign as McpError).message.replace(task.taskId, 'ID')).toBe(
            (unknown as McpError).message.replace('tunknown', 'ID'),
          );
        }
      },
    );

    it('sends status notifications and progress with the original token until the task ends', async () => {
      const client = await connect('alice');
      const progress: number[] = [];
      const { task } = await createTask(client, 'progress', { steps: 3, stepMs: 150 }, 60_000, (update) => {
        progress.push(update.progress);
        client.recorded.log.push(`progress:${update.progress}`);
      });
      // Stateless HTTP has no stream after the tools/call response other than tasks/result; open it at once.
      const result = await resultOf(client, task.taskId);
      expect(text(result)).toBe('done after 3 steps');
      await eventually(() => client.recorded.statuses.some((s) => s.taskId === task.taskId));
      const statuses = client.recorded.statuses.filter((s) => s.taskId === task.taskId);
      expect(statuses.map((s) => s.status)).toEqual(['completed']);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.every((value) => value >= 1 && value <= 3)).toBe(true);
      // nothing about the task arrives after its terminal status
      const log = client.recorded.log;
      expect(log.indexOf(`status:${task.taskId}:completed`)).toBe(log.length - 1);
    });

    it('asks for in-task input on the tasks/result stream and resumes the task with the answers', async () => {
      const client = await connect('alice');
      const stream = client.client.experimental.tasks.callToolStream(
        { name: 'ask_two', arguments: {} },
        CallToolResultSchema,
        { task: { ttl: 60_000 } },
      );
      const seen: string[] = [];
      let taskId = '';
      let final: unknown;
      for await (const message of stream) {
        if (message.type === 'taskCreated') taskId = message.task.taskId;
        if (message.type === 'taskStatus') seen.push(message.task.status);
        if (message.type === 'result') final = message.result;
        if (message.type === 'error') throw message.error;
      }
      expect(seen).toContain('input_required');
      expect(text(final as { content: unknown })).toBe('name=Ada ok=true');
      const asked = client.recorded.elicitations.map((e) => e.message).sort();
      expect(asked).toEqual(['Name?', 'OK?']);
      for (const elicitation of client.recorded.elicitations) {
        expect(elicitation._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId });
      }
      expect((await client.client.experimental.tasks.getTask(taskId)).status).toBe('completed');
      // The status notifications end with the terminal one. (Transitions faster than the engine's event bus, such
      // as working → completed right after the answers, may reach the client as one notification of the later state.)
      await eventually(() =>
        client.recorded.statuses.some((s) => s.taskId === taskId && s.status === 'completed'),
      );
      const statuses = client.recorded.statuses.filter((s) => s.taskId === taskId).map((s) => s.status);
      expect(statuses.at(-1)).toBe('completed');
      expect(statuses.filter((status) => status === 'completed')).toHaveLength(1);
    });
  });
}
