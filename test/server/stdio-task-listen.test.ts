/**
 * Pushed task notifications over stdio (2026-07-28 `subscriptions/listen` with taskIds), with the server as a real
 * subprocess on the memory engine: served as over HTTP (the acknowledgement, each change as tasks/get shows it, the
 * subscription id, the graceful end), ended by the client's notifications/cancelled, and used by the bundled client.
 */
import { fileURLToPath } from 'node:url';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_ID, taskOf, type WireMessage } from '../listen.js';
import { type StdioWire, spawnStdio } from '../stdio-wire.js';

const subscription = (id: string | number) => (message: WireMessage) =>
  message.params?._meta?.[SUBSCRIPTION_ID] === id || (message.id === id && message.method === undefined);

/** The task of a `notifications/tasks`, less its `_meta`. */
describe('task notifications over stdio (a real subprocess, memory engine)', () => {
  let wire: StdioWire;

  beforeAll(() => {
    wire = spawnStdio('listen-stdio.ts');
  });
  afterAll(() => wire?.close());

  const createTask = async (tool: string) => {
    const created = await wire.call('tools/call', { name: tool, arguments: {} });
    expect(created.result?.resultType).toBe('task');
    return created.result!.taskId as string;
  };
  const asPolled = async (taskId: string) => {
    const {
      resultType: _resultType,
      _meta: _envelope,
      ...task
    } = (await wire.call('tasks/get', { taskId })).result!;
    return task;
  };

  it('acknowledges the tasks, pushes each change as tasks/get shows it, and ends once they all ended', async () => {
    const taskId = await createTask('confirm');
    const listen = wire.request('subscriptions/listen', {
      notifications: { taskIds: [taskId, 'no-such-task'] },
    });
    const of = subscription(listen);

    expect(await wire.next(of)).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { taskIds: [taskId] }, _meta: { [SUBSCRIPTION_ID]: listen } },
    });
    const asking = await wire.next(of);
    expect(asking).toMatchObject({ method: 'notifications/tasks', params: { status: 'input_required' } });
    expect(asking.params?._meta).toEqual({ [SUBSCRIPTION_ID]: listen });
    expect(taskOf(asking)).toEqual(await asPolled(taskId));

    const [key] = Object.keys(asking.params!.inputRequests as object);
    const inputResponses = { [key!]: { action: 'accept', content: { confirm: true } } };
    await wire.call('tasks/update', { taskId, inputResponses });
    let done = await wire.next(of);
    while (done.params?.status === 'working') done = await wire.next(of);
    expect(done).toMatchObject({
      method: 'notifications/tasks',
      params: { taskId, status: 'completed', result: { structuredContent: { confirmed: true } } },
    });
    expect(taskOf(done)).toEqual(await asPolled(taskId));
    expect(await wire.next(of)).toEqual({
      jsonrpc: '2.0',
      id: listen,
      result: {
        resultType: 'complete',
        _meta: {
          [SUBSCRIPTION_ID]: listen,
          'io.modelcontextprotocol/serverInfo': { name: 'listen-stdio', version: '1.0.0' },
        },
      },
    });
  });

  it("ends a subscription at the client's notifications/cancelled, and sends nothing more for it", async () => {
    const taskId = await createTask('hold');
    const first = wire.request('subscriptions/listen', { notifications: { taskIds: [taskId] } });
    expect((await wire.next(subscription(first))).method).toBe('notifications/subscriptions/acknowledged');
    expect((await wire.next(subscription(first))).params).toMatchObject({ taskId, status: 'working' });
    wire.notify('notifications/cancelled', { requestId: first });

    // A second subscription to the same task, opened after: its watch fires after the first's would.
    const second = wire.request('subscriptions/listen', { notifications: { taskIds: [taskId] } });
    expect((await wire.next(subscription(second))).method).toBe('notifications/subscriptions/acknowledged');
    expect((await wire.next(subscription(second))).params).toMatchObject({ taskId, status: 'working' });
    await wire.call('tasks/cancel', { taskId });
    expect((await wire.next(subscription(second))).params).toMatchObject({ taskId, status: 'cancelled' });
    expect((await wire.next(subscription(second))).result).toMatchObject({ resultType: 'complete' });

    const afterAck = wire.seen.filter(subscription(first)).map((message) => message.method ?? 'result');
    expect(afterAck).toEqual(['notifications/subscriptions/acknowledged', 'notifications/tasks']);
  });

  it('refuses task notifications to a request without the tasks extension (-32021)', async () => {
    const listen = wire.request(
      'subscriptions/listen',
      { notifications: { taskIds: ['any'] } },
      { declare: false },
    );
    const answer = await wire.next(subscription(listen));
    expect(answer.error?.code).toBe(-32021);
  });
});

describe('the bundled client over stdio', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let client: Client;
  const sent = new Map<string, number>();

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: `${root}node_modules/.bin/tsx`,
      args: [`${root}test/fixtures/listen-stdio.ts`],
      cwd: root,
      stderr: 'ignore',
    });
    const send = transport.send.bind(transport);
    transport.send = (message) => {
      if ('method' in message) sent.set(message.method, (sent.get(message.method) ?? 0) + 1);
      return send(message);
    };
    client = await Client.connect(
      { transport },
      { era: 'modern', onElicit: () => ({ action: 'accept', content: { confirm: true } }) },
    );
  });
  afterAll(() => client?.close());

  it('drives a task to its result by pushed notifications alone, answering its input on the way', async () => {
    const result = await client.callTool('confirm');
    expect(result.structuredContent).toMatchObject({ confirmed: true });
    expect(sent.get('subscriptions/listen')).toBeGreaterThanOrEqual(1);
    expect(sent.get('tasks/update')).toBe(1);
    expect(sent.get('tasks/get') ?? 0).toBe(0);
  });
});
