/**
 * The lean `tasks/get` path (src/wire/sdk-gaps/task-get-fast-path.ts) against the SDK's: the same requests, sent to
 * the same server once with the lean path and once with it stepped aside, must get the same status, headers and
 * bytes, for plain polls of every task status and for hostile or unusual ones (wrong or encoded headers, extra keys,
 * bad ids, foreign and unknown tasks, missing or bad tokens, an undeclared extension). Plain polls must actually be
 * answered by the lean path, or the comparison proves nothing.
 */
import { inputRequired, ProtocolError, ProtocolErrorCode, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TaskGetFastPath } from '../../src/wire/sdk-gaps/task-get-fast-path.js';
import { engineCases } from '../engines.js';
import { eventually, MODERN, TASKS } from '../helpers.js';
import { envelope, exchange, leanSwitch, postOf, type RequestChanges, TOKENS } from './fast-path-diff.js';

type Spec = RequestChanges & { label: string; taskId: string };

function requestOf(spec: Spec): Request {
  const body = {
    jsonrpc: '2.0',
    id: 7,
    method: 'tasks/get',
    params: { taskId: spec.taskId, _meta: envelope() },
  };
  const headers = { 'mcp-protocol-version': MODERN, 'mcp-method': 'tasks/get', 'mcp-name': spec.taskId };
  return postOf(body, headers, spec);
}

describe.each(engineCases)('lean tasks/get against the SDK path ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let release: () => void = () => {};
  const ids: Record<string, string> = {};
  let paths: ReturnType<typeof leanSwitch>;

  beforeAll(async () => {
    paths = leanSwitch(TaskGetFastPath.prototype);
    server = new TaskMCP({
      name: 'lean-diff',
      version: '1.2.3',
      title: 'Lean diff',
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
    }));
    server.tool({ name: 'fails', task: true }, () => {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'broken on purpose');
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
    server.tool({ name: 'hold', task: true }, async (_args, ctx) => {
      await ctx.reportProgress(1, 2, 'half way');
      await held;
      return 'released';
    });
    for (const name of ['done', 'fails', 'asks', 'hold']) {
      const _meta = envelope({ elicitation: {}, extensions: { [TASKS]: {} } });
      const response = await server.fetch(
        postOf(
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta } },
          { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': name },
          {},
        ),
      );
      ids[name] = ((await response.json()) as { result: { taskId: string } }).result.taskId;
    }
    const statusOf = async (taskId: string) =>
      JSON.parse((await exchange(server, requestOf({ label: 'status', taskId }))).body).result?.status;
    await eventually(async () => (await statusOf(ids.done!)) === 'completed');
    await eventually(async () => (await statusOf(ids.fails!)) === 'failed');
    await eventually(async () => (await statusOf(ids.asks!)) === 'input_required');
    const holdResult = async () =>
      JSON.parse((await exchange(server, requestOf({ label: 'held', taskId: ids.hold! }))).body).result;
    await eventually(async () => (await holdResult())?.statusMessage === 'half way (1/2)');
  });

  afterAll(async () => {
    release();
    vi.restoreAllMocks();
    await server?.close();
  });

  const compare = (spec: Spec) => paths.compare(server, () => requestOf(spec), spec.label);

  it('answers plain polls of every status exactly as the SDK does, and takes them itself', async () => {
    for (const name of ['done', 'fails', 'asks', 'hold']) {
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

  it('gives every other request the SDK answer', async () => {
    const done = ids.done!;
    const meta = (capabilities: Record<string, unknown>) => (body: Record<string, unknown>) => ({
      ...body,
      params: { taskId: done, _meta: envelope(capabilities) },
    });
    const specs: Spec[] = [
      { label: 'foreign task', taskId: done, token: 'bob' },
      { label: 'unknown task', taskId: 'tUnknownTask0000000000' },
      { label: 'no token', taskId: done, token: null },
      { label: 'bad token', taskId: done, token: 'mallory' },
      { label: 'undeclared extension', taskId: done, body: meta({}) },
      { label: 'extension as true', taskId: done, body: meta({ extensions: { [TASKS]: true } }) },
      {
        label: 'bad capabilities',
        taskId: done,
        body: meta({ roots: { listChanged: 'yes' }, extensions: { [TASKS]: {} } }),
      },
      { label: 'no mcp-name', taskId: done, headers: { 'mcp-name': null } },
      { label: 'other mcp-name', taskId: done, headers: { 'mcp-name': 'tSomethingElse' } },
      { label: 'base64 mcp-name', taskId: done, headers: { 'mcp-name': `=?base64?${btoa(done)}?=` } },
      { label: 'mcp-name with spaces', taskId: done, headers: { 'mcp-name': ` ${done}\t` } },
      { label: 'no mcp-method', taskId: done, headers: { 'mcp-method': null } },
      { label: 'other mcp-method', taskId: done, headers: { 'mcp-method': 'tasks/cancel' } },
      { label: 'no version header', taskId: done, headers: { 'mcp-protocol-version': null } },
      { label: 'legacy version header', taskId: done, headers: { 'mcp-protocol-version': '2025-11-25' } },
      { label: 'future version header', taskId: done, headers: { 'mcp-protocol-version': '2099-01-01' } },
      { label: 'text content type', taskId: done, headers: { 'content-type': 'text/plain' } },
      {
        label: 'json content type with charset',
        taskId: done,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
      { label: 'accept json only', taskId: done, headers: { accept: 'application/json' } },
      { label: 'no accept', taskId: done, headers: { accept: null } },
      { label: 'null id', taskId: done, body: (body) => ({ ...body, id: null }) },
      { label: 'fractional id', taskId: done, body: (body) => ({ ...body, id: 1.5 }) },
      { label: 'no id', taskId: done, body: ({ id: _id, ...body }) => body },
      { label: 'extra top-level key', taskId: done, body: (body) => ({ ...body, extra: 1 }) },
      { label: 'wrong jsonrpc', taskId: done, body: (body) => ({ ...body, jsonrpc: '1.0' }) },
      {
        label: 'extra param',
        taskId: done,
        body: (body) => ({ ...body, params: { ...(body.params as object), more: 1 } }),
      },
      {
        label: 'numeric taskId',
        taskId: done,
        body: (body) => ({ ...body, params: { taskId: 5, _meta: envelope() } }),
      },
      { label: 'empty taskId', taskId: '', headers: { 'mcp-name': null } },
      { label: 'no _meta', taskId: done, body: (body) => ({ ...body, params: { taskId: done } }) },
      {
        label: 'log level in _meta',
        taskId: done,
        body: (body) => ({
          ...body,
          params: { taskId: done, _meta: { ...envelope(), 'io.modelcontextprotocol/logLevel': 'debug' } },
        }),
      },
      {
        label: 'envelope naming another version',
        taskId: done,
        body: (body) => ({
          ...body,
          params: {
            taskId: done,
            _meta: { ...envelope(), 'io.modelcontextprotocol/protocolVersion': '2025-11-25' },
          },
        }),
      },
      {
        label: 'client info without version',
        taskId: done,
        body: (body) => ({
          ...body,
          params: {
            taskId: done,
            _meta: { ...envelope(), 'io.modelcontextprotocol/clientInfo': { name: 'x' } },
          },
        }),
      },
      { label: 'hostile id', taskId: '../../etc/passwd', headers: { 'mcp-name': '../../etc/passwd' } },
      { label: 'long id', taskId: 'x'.repeat(5000) },
      { label: 'batch', taskId: done, body: (body) => [body] },
      { label: 'broken JSON', taskId: done, raw: '{"jsonrpc":"2.0",' },
    ];
    for (const spec of specs) await compare(spec);
  });
});
