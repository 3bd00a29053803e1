/**
 * Pushed task notifications on 2026-07-28 (`subscriptions/listen` with taskIds) over real HTTP, on both engines: the
 * acknowledgement first, then the DetailedTask of each change as tasks/get shows it, only for the caller's own
 * tasks, and a graceful end once every task has ended or the server shuts down.
 */
import type { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createListenServer } from '../fixtures/listen-server.js';
import { rpc, serveOverHttp, untilStatus } from '../helpers.js';
import { openListen, SUBSCRIPTION_ID, taskOf } from '../listen.js';
import { scrapeUntil } from '../metrics/scrape.js';

/** A task of `tool` created by `token`'s caller. */
async function createTask(url: URL, tool: string, token: string): Promise<string> {
  const created = await rpc(url, 'tools/call', { name: tool, arguments: {} }, { token });
  expect(created.result?.resultType).toBe('task');
  return created.result!.taskId as string;
}

/** What tasks/get answers, less the envelope fields a notification does not carry. */
async function taskAsPolled(url: URL, taskId: string, token: string): Promise<Record<string, unknown>> {
  const { result } = await rpc(url, 'tasks/get', { taskId }, { token });
  const { resultType: _resultType, _meta: _envelope, ...task } = result!;
  return task;
}

/** The task of a `notifications/tasks`, less its `_meta`. */
/** Read notifications until one for `taskId` in `status`; returns it and the statuses seen on the way. */
async function until(stream: Awaited<ReturnType<typeof openListen>>, status: string) {
  const seen: string[] = [];
  for (let message = await stream.next(); message; message = await stream.next()) {
    expect(message.method).toBe('notifications/tasks');
    seen.push(message.params!.status as string);
    if (message.params!.status === status) return { message, seen };
  }
  throw new Error(`The stream ended before a ${status} notification (saw ${seen.join(', ')}).`);
}

describe.each(engineCases)(
  'task notifications on subscriptions/listen ($name engine)',
  ({ name, engine }) => {
    let server: TaskMCP;
    let url: URL;

    beforeAll(async () => {
      server = createListenServer({ name: `listen-${name}`, engine: engine() });
      ({ url } = await serveOverHttp(server));
    });

    afterAll(async () => {
      await server?.close();
    });

    it("acknowledges only the caller's own tasks, pushes each change in full, and ends once they all ended", async () => {
      const mine = await createTask(url, 'confirm', 'alice');
      const bobs = await createTask(url, 'confirm', 'bob');
      const stream = await openListen(
        url,
        { taskIds: [mine, bobs, 'no-such-task'] },
        { token: 'alice', id: 'alice-1' },
      );
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');

      const ack = await stream.next();
      expect(ack).toMatchObject({
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: { taskIds: [mine] }, _meta: { [SUBSCRIPTION_ID]: 'alice-1' } },
      });

      const { message: asking } = await until(stream, 'input_required');
      expect(asking.params?._meta).toEqual({ [SUBSCRIPTION_ID]: 'alice-1' });
      expect(taskOf(asking)).toEqual(await taskAsPolled(url, mine, 'alice'));
      const [key] = Object.keys(asking.params!.inputRequests as object);

      await rpc(
        url,
        'tasks/update',
        { taskId: mine, inputResponses: { [key!]: { action: 'accept', content: { confirm: true } } } },
        { token: 'alice' },
      );
      const { message: done } = await until(stream, 'completed');
      expect(taskOf(done)).toEqual(await taskAsPolled(url, mine, 'alice'));
      expect(done.params).toMatchObject({ taskId: mine, result: { structuredContent: { confirmed: true } } });

      // Every task it reports on has ended: the subscription's result, then the end of the stream.
      const rest = await stream.rest();
      expect(rest).toEqual([
        {
          jsonrpc: '2.0',
          id: 'alice-1',
          result: {
            resultType: 'complete',
            _meta: {
              [SUBSCRIPTION_ID]: 'alice-1',
              'io.modelcontextprotocol/serverInfo': { name: `listen-${name}`, version: '1.0.0' },
            },
          },
        },
      ]);
      await rpc(url, 'tasks/cancel', { taskId: bobs }, { token: 'bob' });
    });

    it('reports a task that already ended with its final state at once, failed ones with their error', async () => {
      const quick = await createTask(url, 'quick', 'alice');
      const fault = await createTask(url, 'fault', 'alice');
      await untilStatus(url, quick, ['completed'], 'alice');
      await untilStatus(url, fault, ['failed'], 'alice');
      const stream = await openListen(url, { taskIds: [quick, fault] }, { token: 'alice', id: 7 });
      const messages = await stream.rest();
      expect(messages.map((message) => message.method ?? 'result')).toEqual([
        'notifications/subscriptions/acknowledged',
        'notifications/tasks',
        'notifications/tasks',
        'result',
      ]);
      expect(messages[0]!.params).toMatchObject({ notifications: { taskIds: [quick, fault] } });
      expect(taskOf(messages[1]!)).toEqual(await taskAsPolled(url, quick, 'alice'));
      expect(taskOf(messages[2]!)).toEqual(await taskAsPolled(url, fault, 'alice'));
      expect(messages[2]!.params).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: 'backend unavailable', data: { backend: 'db' } },
      });
      expect(messages[3]).toMatchObject({ id: 7, result: { _meta: { [SUBSCRIPTION_ID]: 7 } } });
    });

    it('reports a cancellation, and keeps the stream open while a task still runs', async () => {
      const held = await createTask(url, 'hold', 'alice');
      const stream = await openListen(url, { taskIds: [held] }, { token: 'alice' });
      expect((await stream.next())?.method).toBe('notifications/subscriptions/acknowledged');
      expect((await stream.next())?.params).toMatchObject({ taskId: held, status: 'working' });
      await rpc(url, 'tasks/cancel', { taskId: held }, { token: 'alice' });
      const { message } = await until(stream, 'cancelled');
      expect(taskOf(message)).toEqual(await taskAsPolled(url, held, 'alice'));
      expect((await stream.rest()).map((rest) => rest.result?.resultType)).toEqual(['complete']);
    });

    it("acknowledges an empty list for another principal's tasks, and ends at once", async () => {
      const alices = await createTask(url, 'hold', 'alice');
      const stream = await openListen(url, { taskIds: [alices] }, { token: 'bob', id: 'bob-1' });
      const messages = await stream.rest();
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatchObject({
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: { taskIds: [] }, _meta: { [SUBSCRIPTION_ID]: 'bob-1' } },
      });
      expect(messages[1]).toMatchObject({ id: 'bob-1', result: { resultType: 'complete' } });
      await rpc(url, 'tasks/cancel', { taskId: alices }, { token: 'alice' });
    });

    it('answers -32021 (HTTP 400) to a client that did not declare the tasks extension', async () => {
      const task = await createTask(url, 'quick', 'alice');
      const stream = await openListen(url, { taskIds: [task] }, { token: 'alice', declare: false });
      expect(stream.status).toBe(400);
      expect(await stream.next()).toMatchObject({
        error: {
          code: -32021,
          data: { requiredCapabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } } },
        },
      });
    });

    it('answers -32602 to task ids that are not a list of strings', async () => {
      const stream = await openListen(url, { taskIds: 'not-a-list' }, { token: 'alice' });
      const reply = await stream.next();
      expect(reply?.error?.code).toBe(-32602);
      expect(reply?.error?.message).toMatch(/taskIds must be a list of task id strings/);
    });

    it('still leaves listen requests without taskIds to the SDK (no list ever changes here)', async () => {
      const stream = await openListen(url, { toolsListChanged: true }, { token: 'alice', id: 'core' });
      const messages = await stream.rest();
      expect(messages[0]).toMatchObject({
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: {} },
      });
      expect(messages[1]).toMatchObject({ id: 'core', result: { resultType: 'complete' } });
    });
  },
);

describe('task notifications when the server shuts down', () => {
  it('ends an open subscription gracefully', async () => {
    const server = createListenServer({ name: 'listen-shutdown' });
    const { url } = await serveOverHttp(server);
    const held = await createTask(url, 'hold', 'alice');
    const stream = await openListen(url, { taskIds: [held] }, { token: 'alice', id: 'closing' });
    expect((await stream.next())?.method).toBe('notifications/subscriptions/acknowledged');
    expect((await stream.next())?.params).toMatchObject({ status: 'working' });
    const closing = server.close();
    const rest = await stream.rest();
    await closing;
    expect(rest.at(-1)).toMatchObject({ id: 'closing', result: { resultType: 'complete' } });
  });
});

describe.each(engineCases)(
  'task subscriptions whose client disconnects ($name engine)',
  ({ name, engine }) => {
    it('are released: taskmcp_task_subscriptions counts them out', async () => {
      const server = createListenServer({ name: `listen-gone-${name}`, engine: engine(), metrics: true });
      const { url } = await serveOverHttp(server);
      const metrics = new URL('/metrics', url);
      try {
        const held = await createTask(url, 'hold', 'alice');
        const streams = [
          await openListen(url, { taskIds: [held] }, { token: 'alice', id: 'gone' }),
          await openListen(url, { taskIds: [held] }, { token: 'alice', id: 'stays' }),
        ];
        for (const stream of streams) {
          expect((await stream.next())?.method).toBe('notifications/subscriptions/acknowledged');
        }
        await scrapeUntil(metrics, (m) => m.value('taskmcp_task_subscriptions') === 2);
        streams[0]!.close();
        await scrapeUntil(metrics, (m) => m.value('taskmcp_task_subscriptions') === 1);
        await rpc(url, 'tasks/cancel', { taskId: held }, { token: 'alice' });
        await readToTheEnd(streams[1]!);
        await scrapeUntil(metrics, (m) => m.value('taskmcp_task_subscriptions') === 0);
      } finally {
        await server.close();
      }
    });
  },
);

/** Read a subscription to its graceful end. */
async function readToTheEnd(stream: Awaited<ReturnType<typeof openListen>>): Promise<void> {
  const rest = await stream.rest();
  expect(rest.at(-1)).toMatchObject({ result: { resultType: 'complete' } });
}
