/**
 * The lean stateless 2025-11-25 `tasks/get` / `tasks/result` path (src/wire/sdk-gaps/legacy-task-fast-path.ts) against
 * the SDK's legacy fallback: the same requests, sent to the same server once with the lean path and once with it
 * stepped aside, must get the same status, headers and bytes, for plain reads of every task status and for hostile or
 * unusual ones (wrong or extra headers, extra keys, bad ids, foreign and unknown tasks, missing or bad tokens). Plain
 * reads must actually be answered by the lean path, or the comparison proves nothing; `tasks/result` of a task still
 * running must be left to the SDK.
 */
import { inputRequired, ProtocolError, ProtocolErrorCode, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LegacyTaskFastPath } from '../../src/wire/sdk-gaps/legacy-task-fast-path.js';
import { engineCases } from '../engines.js';
import { eventually, LEGACY, MODERN } from '../helpers.js';
import { exchange, leanSwitch, postOf, type RequestChanges, TOKENS } from './fast-path-diff.js';

type Spec = RequestChanges & {
  label: string;
  method?: 'tasks/get' | 'tasks/result' | 'tasks/cancel';
  taskId: string;
};

function requestOf(spec: Spec, signal?: AbortSignal): Request {
  const body = { jsonrpc: '2.0', id: 7, method: spec.method ?? 'tasks/get', params: { taskId: spec.taskId } };
  return postOf(body, { 'mcp-protocol-version': LEGACY }, spec, signal);
}

/** The JSON-RPC message of a one-event SSE answer. */
function messageOf(body: string): { result?: Record<string, unknown>; error?: unknown } {
  return JSON.parse(body.slice(body.indexOf('data: ') + 6));
}

describe.each(engineCases)('lean 2025-11-25 task reads against the SDK path ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let release: () => void = () => {};
  const ids: Record<string, string> = {};
  let paths: ReturnType<typeof leanSwitch>;

  beforeAll(async () => {
    paths = leanSwitch(LegacyTaskFastPath.prototype);
    server = new TaskMCP({
      name: 'lean-legacy-diff',
      version: '1.2.3',
      logger: () => {},
      auth: { verifier: TOKENS },
      tasks: { engine: engine() },
    });
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.tool({ name: 'done', task: true }, () => ({
      content: [{ type: 'text', text: 'ok' }],
      structuredContent: { n: 1 },
      _meta: { mine: true },
    }));
    server.tool({ name: 'toolError', task: true }, () => ({
      content: [{ type: 'text', text: 'bad input' }],
      isError: true,
    }));
    server.tool({ name: 'fails', task: true }, () => {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'broken on purpose', { why: 'test' });
    });
    server.tool({ name: 'asks', task: true }, () =>
      inputRequired({
        inputRequests: {
          name: inputRequired.elicit({
            message: 'Name?',
            requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
          }),
        },
      }),
    );
    const hold = async (
      _args: unknown,
      ctx: { reportProgress(p: number, t: number, m: string): Promise<void> },
    ) => {
      await ctx.reportProgress(1, 2, 'half way');
      await held;
      return 'released';
    };
    server.tool({ name: 'hold', task: true }, hold);
    server.tool({ name: 'cancelled', task: true }, hold);
    for (const name of ['done', 'toolError', 'fails', 'asks', 'hold', 'cancelled']) {
      const params = { name, arguments: {}, task: { ttl: 60_000 } };
      const response = await server.fetch(
        postOf(
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params },
          { 'mcp-protocol-version': LEGACY },
          {},
        ),
      );
      const { result } = messageOf(await response.text()) as { result: { task: { taskId: string } } };
      ids[name] = result.task.taskId;
    }
    const taskOf = async (taskId: string) =>
      messageOf((await exchange(server, requestOf({ label: 'poll', taskId }))).body).result;
    await eventually(async () => (await taskOf(ids.done!))?.status === 'completed');
    await eventually(async () => (await taskOf(ids.toolError!))?.status === 'failed');
    await eventually(async () => (await taskOf(ids.fails!))?.status === 'failed');
    await eventually(async () => (await taskOf(ids.asks!))?.status === 'input_required');
    await eventually(async () => (await taskOf(ids.hold!))?.statusMessage === 'half way (1/2)');
    await eventually(async () => (await taskOf(ids.cancelled!))?.statusMessage === 'half way (1/2)');
    await exchange(server, requestOf({ label: 'cancel', method: 'tasks/cancel', taskId: ids.cancelled! }));
    await eventually(async () => (await taskOf(ids.cancelled!))?.status === 'cancelled');
  });

  afterAll(async () => {
    release();
    vi.restoreAllMocks();
    await server?.close();
  });

  const compare = (spec: Spec) => paths.compare(server, () => requestOf(spec), spec.label);

  it('answers plain tasks/get of every status exactly as the SDK does, and takes them itself', async () => {
    for (const name of ['done', 'toolError', 'fails', 'asks', 'hold', 'cancelled']) {
      const { lean, answeredLean } = await compare({ label: name, taskId: ids[name]! });
      expect(lean.status, name).toBe(200);
      expect(answeredLean, `${name}: the lean path answered`).toBe(true);
    }
    const stringId = await compare({
      label: 'string id',
      taskId: ids.done!,
      body: (body) => ({ ...body, id: 'abc' }),
    });
    expect(stringId.answeredLean).toBe(true);
  });

  it('answers tasks/result of a completed task as the SDK does; failed and cancelled ones stay the SDK’s', async () => {
    for (const name of ['done', 'toolError']) {
      const { lean, answeredLean } = await compare({
        label: name,
        method: 'tasks/result',
        taskId: ids[name]!,
      });
      expect(messageOf(lean.body).result?._meta, name).toMatchObject({
        'io.modelcontextprotocol/related-task': { taskId: ids[name] },
      });
      expect(answeredLean, `${name}: the lean path answered`).toBe(true);
    }
    for (const name of ['fails', 'cancelled']) {
      const { lean, answeredLean } = await compare({
        label: name,
        method: 'tasks/result',
        taskId: ids[name]!,
      });
      expect(messageOf(lean.body).error, name).toBeDefined();
      expect(answeredLean, `${name}: left to the SDK`).toBe(false);
    }
  });

  it('leaves tasks/result of a running task to the SDK', async () => {
    for (const name of ['hold', 'asks']) {
      const aborted = new AbortController();
      const before = paths.answers();
      const response = await server.fetch(
        requestOf({ label: name, method: 'tasks/result', taskId: ids[name]! }, aborted.signal),
      );
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(paths.answers(), name).toBe(before);
      aborted.abort();
      await response.body?.cancel();
    }
  });

  it('gives every other request the SDK answer', async () => {
    const done = ids.done!;
    const withParams = (params: Record<string, unknown>) => (body: Record<string, unknown>) => ({
      ...body,
      params,
    });
    const specs: Spec[] = [
      { label: 'foreign task', taskId: done, token: 'bob' },
      { label: 'foreign task result', method: 'tasks/result', taskId: done, token: 'bob' },
      { label: 'unknown task', taskId: 'tUnknownTask0000000000' },
      { label: 'unknown task result', method: 'tasks/result', taskId: 'tUnknownTask0000000000' },
      { label: 'no token', taskId: done, token: null },
      { label: 'bad token', method: 'tasks/result', taskId: done, token: 'mallory' },
      { label: 'no version header', taskId: done, headers: { 'mcp-protocol-version': null } },
      { label: 'older version header', taskId: done, headers: { 'mcp-protocol-version': '2025-06-18' } },
      { label: 'modern version header', taskId: done, headers: { 'mcp-protocol-version': MODERN } },
      { label: 'unknown version header', taskId: done, headers: { 'mcp-protocol-version': '2024-01-01' } },
      { label: 'mcp-method header', taskId: done, headers: { 'mcp-method': 'tasks/get' } },
      { label: 'mcp-name header', taskId: done, headers: { 'mcp-name': done } },
      { label: 'session header', taskId: done, headers: { 'mcp-session-id': 'abc' } },
      { label: 'accept json only', taskId: done, headers: { accept: 'application/json' } },
      {
        label: 'accept sse only',
        method: 'tasks/result',
        taskId: done,
        headers: { accept: 'text/event-stream' },
      },
      { label: 'accept anything', taskId: done, headers: { accept: '*/*' } },
      { label: 'no accept', taskId: done, headers: { accept: null } },
      {
        label: 'accept json-seq and sse',
        taskId: done,
        headers: { accept: 'application/json-seq, text/event-stream' },
      },
      { label: 'text content type', taskId: done, headers: { 'content-type': 'text/plain' } },
      {
        label: 'json content type with charset',
        method: 'tasks/result',
        taskId: done,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
      { label: 'null id', taskId: done, body: (body) => ({ ...body, id: null }) },
      { label: 'fractional id', taskId: done, body: (body) => ({ ...body, id: 1.5 }) },
      { label: 'no id', method: 'tasks/result', taskId: done, body: ({ id: _id, ...body }) => body },
      { label: 'extra top-level key', taskId: done, body: (body) => ({ ...body, extra: 1 }) },
      { label: 'wrong jsonrpc', taskId: done, body: (body) => ({ ...body, jsonrpc: '1.0' }) },
      { label: 'extra param', taskId: done, body: withParams({ taskId: done, more: 1 }) },
      {
        label: 'progress token',
        method: 'tasks/result',
        taskId: done,
        body: withParams({ taskId: done, _meta: { progressToken: 3 } }),
      },
      { label: 'numeric taskId', taskId: done, body: withParams({ taskId: 5 }) },
      { label: 'empty taskId', method: 'tasks/result', taskId: '' },
      { label: 'no params', taskId: done, body: ({ params: _params, ...body }) => body },
      { label: 'hostile id', taskId: '../../etc/passwd' },
      { label: 'long id', method: 'tasks/result', taskId: 'x'.repeat(5000) },
      { label: 'batch', taskId: done, body: (body) => [body] },
      { label: 'broken JSON', taskId: done, raw: '{"jsonrpc":"2.0",' },
    ];
    for (const spec of specs) await compare(spec);
  });
});
