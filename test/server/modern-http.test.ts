import { staticTokenVerifier, type TaskMCP } from 'taskmcp';
import { type Client, TaskFailedError } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { answerAdaAndYes, createTestServer, observations } from '../fixtures/test-server.js';
import { connectHttp, eventually, rpc, serveOverHttp, text, untilStatus } from '../helpers.js';

describe.each(engineCases)('2026-07-28 tasks over Streamable HTTP ($name engine)', ({ name, engine }) => {
  /** Observation labels are per engine: the fixture's observations outlive one describe block. */
  const label = (base: string) => `${name}:${base}`;
  let server: TaskMCP;
  let url: URL;
  let alice: Client;
  let plain: Client;

  beforeAll(async () => {
    server = createTestServer({
      engine: engine(),
      auth: {
        verifier: staticTokenVerifier({
          alice: { clientId: 'app', sub: 'alice' },
          bob: { clientId: 'app', sub: 'bob' },
          service: { clientId: 'service' },
        }),
      },
    });
    ({ url } = await serveOverHttp(server));
    alice = await connectHttp(url, {
      token: 'alice',
      onElicit: answerAdaAndYes,
    });
    plain = await connectHttp(url, { token: 'alice', tasks: false });
  });

  afterAll(async () => {
    await alice?.close();
    await plain?.close();
    await server?.close();
  });

  describe('foreground calls', () => {
    it('negotiates 2026-07-28 and advertises the tasks extension in server/discover', async () => {
      expect(alice.protocolVersion).toBe('2026-07-28');
      const discover = await rpc(url, 'server/discover', {}, { token: 'alice' });
      expect(discover.result?.capabilities).toMatchObject({
        extensions: { 'io.modelcontextprotocol/tasks': {} },
      });
      expect(discover.result?.capabilities).not.toHaveProperty('tasks');
    });

    it('lists tools with their JSON schemas, and serves resources and prompts', async () => {
      const tools = await alice.listTools();
      const hello = tools.find((tool) => tool.name === 'hello');
      expect(hello?.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string' } } });
      expect(tools.find((tool) => tool.name === 'typed_output')?.outputSchema).toMatchObject({
        type: 'object',
      });
      const resource = await alice.sdk.readResource({ uri: 'test://readme' });
      expect(resource.contents[0]).toMatchObject({ text: 'This is the test server.' });
      const prompt = await alice.sdk.getPrompt({ name: 'greeting', arguments: { name: 'Ada' } });
      expect(prompt.messages[0]?.content).toMatchObject({ text: 'Greet Ada' });
    });

    it('converts return values: strings to text, objects to text plus structuredContent', async () => {
      expect(text(await alice.callTool('hello', { name: 'Ada' }))).toBe('Hello, Ada!');
      const object = await alice.callTool('as_object');
      expect(object.structuredContent).toEqual({ answer: 42, unit: 'things' });
      expect(JSON.parse(text(object)!)).toEqual({ answer: 42, unit: 'things' });
      expect((await alice.callTool('typed_output', { values: [1, 2, 3] })).structuredContent).toEqual({
        total: 6,
      });
    });

    it("shows a tool the capabilities declared with the request, and never lists a change it won't make", async () => {
      const reply = await rpc(
        url,
        'tools/call',
        { name: 'client_capabilities', arguments: {} },
        { token: 'alice' },
      );
      expect(JSON.parse(text(reply.result ?? {})!)).toEqual({ declared: ['elicitation', 'extensions'] });
      const discover = await rpc(url, 'server/discover', {}, { token: 'alice' });
      expect(discover.result?.capabilities).toMatchObject({
        tools: { listChanged: false },
        resources: { listChanged: false },
        prompts: { listChanged: false },
      });
    });

    it('answers invalid arguments with an isError result naming the problem', async () => {
      const result = await alice.callTool('hello', { name: 7 });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/Invalid arguments for tool 'hello': name/);
    });

    it('turns thrown errors into isError results and protocol faults into JSON-RPC errors', async () => {
      const broken = await plain.callTool('tool_error');
      expect(broken).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: 'the widget is broken' }],
      });
      const unexpected = await plain.callTool('unexpected_error');
      expect(unexpected).toMatchObject({ isError: true, content: [{ text: 'undefined is not a widget' }] });
      const fault = await rpc(
        url,
        'tools/call',
        { name: 'protocol_fault', arguments: {} },
        { declare: false, token: 'alice' },
      );
      expect(fault.error).toEqual({ code: -32603, message: 'backend unavailable', data: { backend: 'db' } });
      const output = await rpc(url, 'tools/call', { name: 'bad_output', arguments: {} }, { token: 'alice' });
      expect(output.error?.code).toBe(-32602);
      expect(output.error?.message).toMatch(/does not match its output schema/);
    });

    it('runs an optional task tool synchronously for a client that did not declare the extension', async () => {
      const raw = await rpc(
        url,
        'tools/call',
        { name: 'whoami', arguments: { label: 'sync' } },
        { declare: false, token: 'alice' },
      );
      expect(raw.result?.resultType).toBe('complete');
      expect(raw.result?.taskId).toBeUndefined();
      expect(raw.result?.structuredContent).toMatchObject({
        label: 'sync',
        before: { taskId: null, toolName: 'whoami' },
      });
    });

    it('refuses a task-only tool to a non-declaring client with -32021, HTTP 400 and requiredCapabilities', async () => {
      const raw = await rpc(
        url,
        'tools/call',
        { name: 'task_only', arguments: { n: 3 } },
        { declare: false, token: 'alice' },
      );
      expect(raw.status).toBe(400);
      expect(raw.error?.code).toBe(-32021);
      expect(raw.error?.data).toEqual({
        requiredCapabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } },
      });
    });

    it('refuses task methods to a request that does not declare the extension (-32021)', async () => {
      for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
        const raw = await rpc(
          url,
          method,
          { taskId: 'tany', inputResponses: {} },
          { declare: false, token: 'alice' },
        );
        expect(raw.error?.code, method).toBe(-32021);
      }
    });

    it('answers tasks/result and tasks/list with -32601 on this era', async () => {
      expect((await rpc(url, 'tasks/result', { taskId: 'tany' }, { token: 'alice' })).error?.code).toBe(
        -32601,
      );
      expect((await rpc(url, 'tasks/list', {}, { token: 'alice' })).error?.code).toBe(-32601);
    });

    it('rejects requests without a valid bearer token with 401 and a WWW-Authenticate challenge', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  });

  describe('tasks', () => {
    it('creates a task durably: the flat CreateTaskResult is followed by a resolvable tasks/get', async () => {
      const created = await rpc(
        url,
        'tools/call',
        { name: 'whoami', arguments: { label: 'durable', delayMs: 50 } },
        { token: 'alice' },
      );
      const task = created.result!;
      expect(task).toMatchObject({
        resultType: 'task',
        status: 'working',
        ttlMs: 15 * 60_000,
        pollIntervalMs: 50,
      });
      expect(task.taskId).toMatch(/^t[A-Za-z0-9_-]{22}$/);
      expect(new Date(task.createdAt as string).toISOString()).toBe(task.createdAt);
      for (const absent of ['task', 'result', 'error', 'inputRequests', 'requestState'])
        expect(task).not.toHaveProperty(absent);
      const got = await rpc(url, 'tasks/get', { taskId: task.taskId }, { token: 'alice' });
      expect(got.result).toMatchObject({ resultType: 'complete', taskId: task.taskId });
      const done = await untilStatus(url, task.taskId as string, ['completed'], 'alice');
      expect(done.result).toMatchObject({ structuredContent: { label: 'durable', sameContext: true } });
      expect(done).not.toHaveProperty('error');
    });

    it('runs the same handler as a task with the task id and the caller in its context', async () => {
      const handle = await alice.callToolTask('whoami', { label: 'as-task', delayMs: 10 });
      expect(handle.id).toMatch(/^t[A-Za-z0-9_-]{22}$/);
      const result = await handle.result();
      const context = {
        requestId: expect.anything(),
        taskId: handle.id,
        toolName: 'whoami',
        clientId: 'app',
        attempt: 1,
      };
      const expected = { label: 'as-task', before: context, after: context, sameContext: true };
      expect(result.structuredContent).toEqual(expected);
      expect(JSON.parse(text(result)!)).toEqual(expected);
      expect(result.isError).toBeUndefined();
    });

    it('gives every concurrent call its own context, foreground and background interleaved', async () => {
      const calls = Array.from({ length: 8 }, (_, i) => {
        const client = i % 2 === 0 ? alice : plain;
        return client.callTool('whoami', { label: `call-${i}`, delayMs: 40 - i * 5 });
      });
      const results = await Promise.all(calls);
      const taskIds = new Set<string>();
      results.forEach((result, i) => {
        const seen = result.structuredContent as {
          label: string;
          sameContext: boolean;
          after: { taskId: string | null };
        };
        expect(seen.label).toBe(`call-${i}`);
        expect(seen.sameContext).toBe(true);
        if (i % 2 === 0) {
          expect(seen.after.taskId).toMatch(/^t/);
          taskIds.add(seen.after.taskId!);
        } else expect(seen.after.taskId).toBeNull();
      });
      expect(taskIds.size).toBe(4);
    });

    it('shows progress reported by the handler as the statusMessage of tasks/get', async () => {
      const handle = await alice.callToolTask('progress', { steps: 3, stepMs: 150 });
      const withProgress = await eventually(async () => {
        const task = await handle.status();
        return task.statusMessage?.startsWith('step') ? task : undefined;
      });
      expect(withProgress.statusMessage).toMatch(/^step \d \(\d\/3\)$/);
      expect(text(await handle.result())).toBe('done after 3 steps');
    });

    it('reports progress to callTool callers while driving the task', async () => {
      const messages: string[] = [];
      const result = await alice.callTool(
        'progress',
        { steps: 2, stepMs: 120 },
        { onProgress: (task) => messages.push(task.statusMessage ?? task.status) },
      );
      expect(text(result)).toBe('done after 2 steps');
      expect(messages).toContain('step 1 (1/2)');
      expect(messages.at(-1)).toBe('completed');
    });

    it('ends a task whose tool returned isError as completed, keeping the result', async () => {
      const handle = await alice.callToolTask('tool_error');
      const result = await handle.result();
      expect(result).toMatchObject({ isError: true, content: [{ text: 'the widget is broken' }] });
      expect((await handle.status()).status).toBe('completed');
    });

    it('ends a task whose tool raised a protocol fault as failed, with the JSON-RPC error', async () => {
      const handle = await alice.callToolTask('protocol_fault');
      await expect(handle.result()).rejects.toMatchObject({
        name: 'TaskFailedError',
        code: -32603,
        message: 'backend unavailable',
      });
      const task = await handle.status();
      expect(task).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: 'backend unavailable', data: { backend: 'db' } },
      });
      expect(task.result).toBeUndefined();
      await expect(handle.result()).rejects.toBeInstanceOf(TaskFailedError);
    });

    it('cancels a running task: the handler signal fires and the task ends cancelled', async () => {
      const handle = await alice.callToolTask('wait_for_cancel', { label: label('cancel-1') });
      await eventually(() => observations.get(label('cancel-1'))?.includes('started'));
      const runningWithIt = server.engine.runningLegs;
      const ack = await rpc(url, 'tasks/cancel', { taskId: handle.id }, { token: 'alice' });
      expect(ack.result).toEqual(expect.objectContaining({ resultType: 'complete' }));
      for (const field of ['taskId', 'status', 'result', 'error', 'inputRequests'])
        expect(ack.result).not.toHaveProperty(field);
      const seen = await eventually(() => observations.get(label('cancel-1'))?.[1]);
      expect(seen).toEqual({ aborted: true, reason: 'The task was cancelled.' });
      expect((await handle.status()).status).toBe('cancelled');
      // The handler threw after the signal: once its leg is over (outcome offered to the store), still cancelled.
      await eventually(() => server.engine.runningLegs < runningWithIt);
      expect((await handle.status()).status).toBe('cancelled');
      const again = await rpc(url, 'tasks/cancel', { taskId: handle.id }, { token: 'alice' });
      expect(again.result?.resultType).toBe('complete');
    });

    it('cancels the task when the caller aborts a callTool', async () => {
      const controller = new AbortController();
      const call = alice.callTool(
        'wait_for_cancel',
        { label: label('cancel-2') },
        { signal: controller.signal },
      );
      await eventually(() => observations.get(label('cancel-2'))?.includes('started'));
      controller.abort(new Error('user gave up'));
      await expect(call).rejects.toThrow('user gave up');
      expect(await eventually(() => observations.get(label('cancel-2'))?.[1])).toEqual({
        aborted: true,
        reason: 'The task was cancelled.',
      });
    });

    it('stops a foreground handler when the caller aborts the call', async () => {
      const controller = new AbortController();
      const call = plain.callTool(
        'wait_for_cancel',
        { label: label('cancel-fg') },
        { signal: controller.signal },
      );
      await eventually(() => observations.get(label('cancel-fg'))?.includes('started'));
      controller.abort(new Error('user gave up'));
      await expect(call).rejects.toThrow('user gave up');
      // The reason is the transport's (the SDK aborts the request when the connection goes); the signal fired.
      expect(await eventually(() => observations.get(label('cancel-fg'))?.[1])).toEqual({
        aborted: true,
        reason: expect.any(String),
      });
    });

    it('times out a task after timeoutMs: the signal fires and the task fails with -32001', async () => {
      const handle = await alice.callToolTask('too_slow', { label: label('timeout-1') });
      await expect(handle.result()).rejects.toMatchObject({ code: -32001 });
      expect(await eventually(() => observations.get(label('timeout-1'))?.[0])).toMatch(
        /timed out after 100 ms/,
      );
      expect((await handle.status()).status).toBe('failed');
    });

    it('times out a foreground call after timeoutMs with a JSON-RPC error', async () => {
      const raw = await rpc(
        url,
        'tools/call',
        { name: 'too_slow', arguments: { label: label('timeout-2') } },
        { declare: false, token: 'alice' },
      );
      expect(raw.error).toMatchObject({ code: -32001, message: 'The tool timed out after 100 ms.' });
    });

    it('retries a task leg whose handler threw, showing attempts in statusMessage', async () => {
      const handle = await alice.callToolTask('flaky', { label: label('flaky-1'), failures: 2 });
      const retrying = await eventually(async () => {
        const task = await handle.status();
        return task.statusMessage?.includes('retrying') ? task : undefined;
      });
      expect(retrying.statusMessage).toMatch(
        /^Attempt \d of 3 failed \(attempt \d failed\); retrying in 30 ms\.$/,
      );
      expect(text(await handle.result())).toBe('succeeded on attempt 3');
      expect(observations.get(label('flaky-1'))).toEqual([1, 2, 3]);
    });

    it('completes with the isError result once retries are exhausted', async () => {
      const result = await alice.callTool('flaky', { label: label('flaky-2'), failures: 5 });
      expect(result).toMatchObject({ isError: true, content: [{ text: 'attempt 3 failed' }] });
      expect(observations.get(label('flaky-2'))).toEqual([1, 2, 3]);
    });
  });

  describe('input during a task', () => {
    it('waits in input_required with all outstanding requests, keeping the rest after a partial answer', async () => {
      const created = await rpc(url, 'tools/call', { name: 'ask_two', arguments: {} }, { token: 'alice' });
      const taskId = created.result!.taskId as string;
      const waiting = await untilStatus(url, taskId, ['input_required'], 'alice');
      const requests = waiting.inputRequests as Record<
        string,
        { method: string; params: { message: string } }
      >;
      const keys = Object.keys(requests);
      expect(keys).toHaveLength(2);
      expect(Object.values(requests).map((r) => r.method)).toEqual([
        'elicitation/create',
        'elicitation/create',
      ]);
      const nameKey = keys.find((key) => requests[key]!.params.message === 'Name?')!;
      const okKey = keys.find((key) => key !== nameKey)!;

      const partial = await rpc(
        url,
        'tasks/update',
        {
          taskId,
          inputResponses: {
            [nameKey]: { action: 'accept', content: { name: 'Grace' } },
            'not-a-key': { action: 'accept' },
          },
        },
        { token: 'alice' },
      );
      expect(partial.result).toEqual(expect.objectContaining({ resultType: 'complete' }));
      const still = await rpc(url, 'tasks/get', { taskId }, { token: 'alice' });
      expect(still.result?.status).toBe('input_required');
      expect(Object.keys(still.result?.inputRequests as object)).toEqual([okKey]);

      await rpc(
        url,
        'tasks/update',
        { taskId, inputResponses: { [okKey]: { action: 'accept', content: { confirm: true } } } },
        { token: 'alice' },
      );
      const done = await untilStatus(url, taskId, ['completed'], 'alice');
      expect(text(done.result as { content: unknown })).toBe('name=Grace ok=true');
    });

    it('never reuses an input key across rounds, and carries requestState between them', async () => {
      const created = await rpc(url, 'tools/call', { name: 'two_rounds', arguments: {} }, { token: 'alice' });
      const taskId = created.result!.taskId as string;
      const first = await untilStatus(url, taskId, ['input_required'], 'alice');
      const [firstKey] = Object.keys(first.inputRequests as object);
      await rpc(
        url,
        'tasks/update',
        { taskId, inputResponses: { [firstKey!]: { action: 'accept', content: { name: 'one' } } } },
        { token: 'alice' },
      );
      const second = await eventually(async () => {
        const { result } = await rpc(url, 'tasks/get', { taskId }, { token: 'alice' });
        const keys = Object.keys((result?.inputRequests as object) ?? {});
        return result?.status === 'input_required' && keys[0] !== firstKey ? result : undefined;
      });
      const [secondKey] = Object.keys(second.inputRequests as object);
      expect(secondKey).not.toBe(firstKey);
      // answering the first key again is ignored: it is no longer outstanding
      await rpc(
        url,
        'tasks/update',
        { taskId, inputResponses: { [firstKey!]: { action: 'accept', content: { name: 'x' } } } },
        { token: 'alice' },
      );
      expect((await rpc(url, 'tasks/get', { taskId }, { token: 'alice' })).result?.status).toBe(
        'input_required',
      );
      await rpc(
        url,
        'tasks/update',
        { taskId, inputResponses: { [secondKey!]: { action: 'accept', content: { name: 'two' } } } },
        { token: 'alice' },
      );
      const done = await untilStatus(url, taskId, ['completed'], 'alice');
      expect(text(done.result as { content: unknown })).toBe('one then two');
    });

    it('lets the client answer input transparently through its elicitation handler', async () => {
      expect(text(await alice.callTool('ask_two'))).toBe('name=Ada ok=true');
    });

    it('resolves multi-round-trip input before creating the task (preflight)', async () => {
      const first = await rpc(
        url,
        'tools/call',
        { name: 'preflight_then_task', arguments: {} },
        { token: 'alice' },
      );
      expect(first.result).toMatchObject({ resultType: 'input_required' });
      expect(first.result).not.toHaveProperty('taskId');
      const key = Object.keys(first.result!.inputRequests as object)[0]!;
      const second = await rpc(
        url,
        'tools/call',
        {
          name: 'preflight_then_task',
          arguments: {},
          inputResponses: { [key]: { action: 'accept', content: { name: 'Lin' } } },
        },
        { token: 'alice' },
      );
      expect(second.result).toMatchObject({ resultType: 'task', status: 'working' });
      expect(second.result).not.toHaveProperty('requestState');
      const done = await untilStatus(url, second.result!.taskId as string, ['completed'], 'alice');
      expect(text(done.result as { content: unknown })).toBe('task for Lin');
    });
  });

  describe('task ids are bound to their creator', () => {
    it('answers a foreign id exactly like an unknown one', async () => {
      const handle = await alice.callToolTask('whoami', { label: 'private' });
      const unknown = await rpc(url, 'tasks/get', { taskId: 'tAAAAAAAAAAAAAAAAAAAAAA' }, { token: 'bob' });
      const foreign = await rpc(url, 'tasks/get', { taskId: handle.id }, { token: 'bob' });
      expect(unknown.error?.code).toBe(-32602);
      expect(foreign.error?.code).toBe(-32602);
      expect(foreign.error?.message.replace(handle.id!, 'ID')).toBe(
        unknown.error?.message.replace('tAAAAAAAAAAAAAAAAAAAAAA', 'ID'),
      );
      for (const method of ['tasks/cancel', 'tasks/update']) {
        const attempt = await rpc(url, method, { taskId: handle.id, inputResponses: {} }, { token: 'bob' });
        expect(attempt.error?.code, method).toBe(-32602);
      }
      const other = await rpc(url, 'tasks/get', { taskId: handle.id }, { token: 'service' });
      expect(other.error?.code).toBe(-32602);
      expect((await rpc(url, 'tasks/get', { taskId: handle.id }, { token: 'alice' })).result?.taskId).toBe(
        handle.id,
      );
    });

    it('answers an expired task with -32602', async () => {
      const handle = await alice.callToolTask('short_lived');
      expect(handle.last?.ttlMs).toBe(300);
      // Poll until it is gone (it completes at once and is forgotten after its ttlMs), then check the answer.
      const expired = await eventually(async () => {
        const reply = await rpc(url, 'tasks/get', { taskId: handle.id }, { token: 'alice' });
        return reply.error ? reply : undefined;
      });
      expect(expired.error?.code).toBe(-32602);
      expect(expired.error?.message).toContain(handle.id);
    });
  });

  describe('HTTP routing headers', () => {
    it('rejects a tasks/get whose Mcp-Name does not match the taskId with HTTP 400 and -32020', async () => {
      const handle = await alice.callToolTask('whoami', { label: 'headers' });
      const raw = await rpc(
        url,
        'tasks/get',
        { taskId: handle.id },
        { token: 'alice', headers: { 'mcp-name': 'tWrong' } },
      );
      expect(raw.status).toBe(400);
      expect(raw.error?.code).toBe(-32020);
    });
  });
});
