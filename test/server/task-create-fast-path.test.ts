/**
 * The lean `tools/call` path (src/wire/sdk-gaps/tool-call-fast-path.ts) creating tasks, against the SDK's, on both
 * eras: the same calls, sent to the same server once with the lean path and once with it stepped aside, must get the
 * same status, headers and bytes (the new task's id and timestamps aside), store the same task record, and hand the
 * task's handler the same context (token, HTTP request and headers, request id, client capabilities). Plain calls
 * must actually be taken by the lean path, or the comparison proves nothing; every call it cannot prove the SDK
 * accepts (bad headers, unknown tools, invalid arguments, extra `_meta`, preflights...) must be left to the SDK, and
 * a creation that fails (a limit) is answered as the SDK answers it, without a second attempt.
 * tool-call-fast-path.test.ts holds the foreground calls.
 */
import {
  getHttpHeaders,
  getHttpRequest,
  MemoryTaskEngine,
  type TaskEngine,
  TaskMCP,
  type TaskRecord,
} from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { modernEra } from '../../src/wire/modern/index.js';
import { ToolCallFastPath } from '../../src/wire/sdk-gaps/tool-call-fast-path.js';
import { engineCases } from '../engines.js';
import { eventually, LEGACY, MODERN, TASKS } from '../helpers.js';
import {
  type Exchange,
  envelope,
  exchange,
  leanSwitch,
  postOf,
  type RequestChanges,
  TOKENS,
} from './fast-path-diff.js';

type Era = 'modern' | 'legacy';

type Spec = RequestChanges & {
  label: string;
  era: Era;
  tool: string;
  args?: Record<string, unknown> | null;
  /**
   * Taken by the lean path although it creates no task: a foreground call with a text result (`written` by the lean
   * path), or a creation that fails (`handed` to the SDK to answer).
   */
  lean?: 'written' | 'handed';
};

const CAPABILITIES = { elicitation: {}, extensions: { [TASKS]: {} } };

function requestOf(spec: Spec): Request {
  const params: Record<string, unknown> = { name: spec.tool };
  if (spec.args !== null) params.arguments = spec.args ?? { text: 'hi' };
  if (spec.era === 'modern') params._meta = envelope(CAPABILITIES);
  else params.task = { ttl: 60_000 };
  const headers: Record<string, string> =
    spec.era === 'modern'
      ? { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': spec.tool }
      : { 'mcp-protocol-version': LEGACY };
  return postOf(
    { jsonrpc: '2.0', id: 7, method: 'tools/call', params },
    { ...headers, 'x-trace-me': 'yes' },
    spec,
  );
}

/** The task id a creating answer names, if any. */
function createdTaskId(body: string): string | undefined {
  return /"taskId":"([^"]+)"/.exec(body)?.[1];
}

/** The answer with its task's id and timestamps (which differ between two creations) replaced. */
function normalised(answer: Exchange): Exchange {
  const taskId = createdTaskId(answer.body);
  let body = answer.body.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME');
  if (taskId) body = body.replaceAll(taskId, 'TASK');
  // An ended task is kept its ttl from when it ended, shown counted from creation: it differs by the time it ran.
  if (body.includes('"status":"completed"')) body = body.replace(/"ttl":\d+/, '"ttl":TTL');
  return { ...answer, body };
}

/** A stored record without what differs between two creations of the same task. */
function comparableRecord(record: TaskRecord | null | undefined): Record<string, unknown> {
  const { taskId: _id, createdAt: _c, lastUpdatedAt: _u, expiresAt: _e, checkAt: _k, ...rest } = record ?? {};
  return rest as Record<string, unknown>;
}

describe.each(engineCases)(
  'lean task-creating tools/call against the SDK path ($name engine)',
  ({ engine }) => {
    let server: TaskMCP;
    let tasks: TaskEngine;
    /** What each task's handler saw of its caller, by task id. */
    const seen = new Map<string, unknown>();
    let paths: ReturnType<typeof leanSwitch>;

    beforeAll(async () => {
      paths = leanSwitch(ToolCallFastPath.prototype, normalised);
      const made = engine();
      tasks = typeof made === 'string' ? new MemoryTaskEngine() : made;
      server = new TaskMCP({
        name: 'lean-create-diff',
        version: '1.2.3',
        title: 'Lean create diff',
        logger: () => {},
        auth: { verifier: TOKENS },
        tasks: { engine: tasks, maxArgumentBytes: 2048 },
      });
      const Text = z.object({ text: z.string(), extra: z.number().optional() });
      const record = async (_args: unknown, ctx: Parameters<Parameters<TaskMCP['tool']>[1]>[1]) => {
        const { requestId, authInfo, sessionId, traceparent, clientCapabilities } = ctx;
        const http = getHttpRequest();
        seen.set(ctx.taskId!, {
          requestId,
          authInfo,
          sessionId,
          traceparent,
          clientCapabilities,
          http: { method: http.method, url: http.url, headers: getHttpHeaders({ include: 'all' }) },
        });
        return 'done';
      };
      server.tool({ name: 'work', input: Text, task: true }, record);
      server.tool({ name: 'bare', task: { mode: 'required', ttlMs: 120_000, pollIntervalMs: 250 } }, record);
      server.tool({ name: 'fg', input: Text }, () => 'foreground');
      // Answers with its result when its task ends within the wait (long, so only a stuck engine reaches it).
      server.tool({ name: 'instant', input: Text, task: { immediateResultMs: 60_000 } }, ({ text }) => text);
      server.tool({ name: 'asked', input: Text, task: true, preflight: () => undefined }, record);
      server.tool(
        {
          name: 'headered',
          input: z.object({ text: z.string().meta({ 'x-mcp-header': 'Text' }) }),
          task: true,
        },
        record,
      );
    });

    afterAll(async () => {
      vi.restoreAllMocks();
      await server?.close();
    });

    const compare = (spec: Spec) => paths.compare(server, () => requestOf(spec), spec.label);

    /** Both tasks ran: the same record stored, the same caller handed to the handler. */
    async function expectSameTasks(label: string, lean: Exchange, sdk: Exchange): Promise<void> {
      const leanId = createdTaskId(lean.body)!;
      const sdkId = createdTaskId(sdk.body)!;
      expect(leanId, label).toBeDefined();
      expect(sdkId, label).not.toBe(leanId);
      await eventually(async () => seen.has(leanId) && seen.has(sdkId));
      expect(seen.get(leanId), label).toEqual(seen.get(sdkId));
      expect(seen.get(leanId), label).toMatchObject({ authInfo: { token: 'alice', scopes: ['read'] } });
      await eventually(async () => (await tasks.get(leanId))?.status === 'completed');
      await eventually(async () => (await tasks.get(sdkId))?.status === 'completed');
      expect(comparableRecord(await tasks.get(leanId)), label).toEqual(
        comparableRecord(await tasks.get(sdkId)),
      );
    }

    const plain: Spec[] = [
      { label: 'modern call', era: 'modern', tool: 'work' },
      {
        label: 'modern call, string id',
        era: 'modern',
        tool: 'work',
        body: (body) => ({ ...body, id: 'abc' }),
      },
      { label: 'modern call, no arguments', era: 'modern', tool: 'bare', args: null },
      { label: 'legacy call', era: 'legacy', tool: 'work', args: { text: 'hi', extra: 2 } },
      { label: 'legacy call, no arguments', era: 'legacy', tool: 'bare', args: null },
      {
        label: 'legacy call, no ttl',
        era: 'legacy',
        tool: 'work',
        body: (body) => ({ ...body, params: { name: 'work', arguments: { text: 'x' }, task: {} } }),
      },
    ];

    it.each(plain)('creates the task exactly as the SDK does: $label', async (spec) => {
      const { lean, sdk, answeredLean, handedOver } = await compare(spec);
      expect(handedOver, 'written by the lean path itself').toBe(false);
      expect(lean.status).toBe(200);
      expect(answeredLean, 'the lean path answered').toBe(true);
      await expectSameTasks(spec.label, lean, sdk);
    });

    it.each([
      { label: 'modern immediate result', era: 'modern', tool: 'instant', answer: /"resultType":"complete"/ },
      { label: 'legacy immediate result', era: 'legacy', tool: 'instant', answer: /"status":"completed"/ },
    ] as const)('answers an immediate result exactly as the SDK does: $label', async (spec) => {
      const { lean, answeredLean, handedOver } = await compare(spec);
      expect(answeredLean, 'the lean path answered').toBe(true);
      expect(handedOver, 'written by the lean path itself').toBe(false);
      expect(lean.body).toMatch(spec.answer);
    });

    it('answers every other call as the SDK does, leaving what it cannot prove to the SDK', async () => {
      const withParams = (params: Record<string, unknown>) => (body: Record<string, unknown>) => ({
        ...body,
        params,
      });
      const modernParams = (extra: Record<string, unknown>, meta = envelope()) =>
        withParams({ name: 'work', arguments: { text: 'hi' }, _meta: meta, ...extra });
      const specs: Spec[] = [
        // 2026-07-28
        { label: 'unknown tool', era: 'modern', tool: 'nope' },
        { label: 'invalid arguments', era: 'modern', tool: 'work', args: { text: 5 } },
        {
          label: 'arguments not an object',
          era: 'modern',
          tool: 'work',
          body: modernParams({ arguments: [1] }),
        },
        { label: 'foreground-only tool', era: 'modern', tool: 'fg', lean: 'written' },
        { label: 'preflight', era: 'modern', tool: 'asked' },
        { label: 'x-mcp-header tool', era: 'modern', tool: 'headered', headers: { 'mcp-param-text': 'hi' } },
        {
          label: 'undeclared extension',
          era: 'modern',
          tool: 'work',
          body: modernParams({}, envelope({})),
          lean: 'written',
        },
        {
          label: 'undeclared extension, task-only tool',
          era: 'modern',
          tool: 'bare',
          args: null,
          body: withParams({ name: 'bare', _meta: envelope({}) }),
        },
        {
          label: 'progress token in _meta',
          era: 'modern',
          tool: 'work',
          body: modernParams({}, { ...envelope(), progressToken: 1 }),
        },
        {
          label: 'traceparent in _meta',
          era: 'modern',
          tool: 'work',
          body: modernParams(
            {},
            { ...envelope(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          ),
        },
        { label: 'input responses', era: 'modern', tool: 'work', body: modernParams({ inputResponses: {} }) },
        { label: 'request state', era: 'modern', tool: 'work', body: modernParams({ requestState: 'x' }) },
        { label: 'task param', era: 'modern', tool: 'work', body: modernParams({ task: {} }) },
        { label: 'other mcp-name', era: 'modern', tool: 'work', headers: { 'mcp-name': 'bare' } },
        { label: 'no mcp-name', era: 'modern', tool: 'work', headers: { 'mcp-name': null } },
        { label: 'no mcp-method', era: 'modern', tool: 'work', headers: { 'mcp-method': null } },
        {
          label: 'legacy version header',
          era: 'modern',
          tool: 'work',
          headers: { 'mcp-protocol-version': LEGACY },
        },
        {
          label: 'text content type',
          era: 'modern',
          tool: 'work',
          headers: { 'content-type': 'text/plain' },
        },
        { label: 'no token', era: 'modern', tool: 'work', token: null },
        { label: 'bad token', era: 'modern', tool: 'work', token: 'mallory' },
        {
          label: 'extra top-level key',
          era: 'modern',
          tool: 'work',
          body: (body) => ({ ...body, extra: 1 }),
        },
        { label: 'null id', era: 'modern', tool: 'work', body: (body) => ({ ...body, id: null }) },
        { label: 'batch', era: 'modern', tool: 'work', body: (body) => [body] },
        {
          label: 'arguments too large',
          era: 'modern',
          tool: 'work',
          args: { text: 'x'.repeat(4096) },
          lean: 'handed',
        },
        // 2025-11-25
        { label: 'legacy unknown tool', era: 'legacy', tool: 'nope' },
        { label: 'legacy invalid arguments', era: 'legacy', tool: 'work', args: {} },
        { label: 'legacy foreground-only tool', era: 'legacy', tool: 'fg' },
        { label: 'legacy preflight', era: 'legacy', tool: 'asked' },
        {
          label: 'legacy plain call',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' } }),
          lean: 'written',
        },
        {
          label: 'legacy task-only tool without task',
          era: 'legacy',
          tool: 'bare',
          body: withParams({ name: 'bare' }),
        },
        {
          label: 'task not an object',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' }, task: true }),
        },
        {
          label: 'negative ttl',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' }, task: { ttl: -1 } }),
        },
        {
          label: 'fractional ttl',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' }, task: { ttl: 1.5 } }),
        },
        {
          label: 'extra task key',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' }, task: { ttl: 1000, x: 1 } }),
        },
        {
          label: 'legacy progress token',
          era: 'legacy',
          tool: 'work',
          body: withParams({ name: 'work', arguments: { text: 'a' }, task: {}, _meta: { progressToken: 3 } }),
        },
        { label: 'legacy session header', era: 'legacy', tool: 'work', headers: { 'mcp-session-id': 'abc' } },
        {
          label: 'legacy accept json only',
          era: 'legacy',
          tool: 'work',
          headers: { accept: 'application/json' },
        },
        {
          label: 'legacy mcp-method header',
          era: 'legacy',
          tool: 'work',
          headers: { 'mcp-method': 'tools/call' },
        },
        {
          label: 'legacy no version header',
          era: 'legacy',
          tool: 'work',
          headers: { 'mcp-protocol-version': null },
        },
        { label: 'legacy bad token', era: 'legacy', tool: 'work', token: 'mallory' },
        {
          label: 'legacy arguments too large',
          era: 'legacy',
          tool: 'work',
          args: { text: 'x'.repeat(4096) },
          lean: 'handed',
        },
      ];
      for (const spec of specs) {
        const { answeredLean, handedOver } = await compare(spec);
        expect(answeredLean, `${spec.label}: taken by the lean path`).toBe(spec.lean !== undefined);
        if (spec.lean) expect(handedOver, `${spec.label}: handed to the SDK`).toBe(spec.lean === 'handed');
      }
    });
  },
);

describe('lean task creation at its limits', () => {
  it('answers a call over the task limit with the SDK error, trying the creation once', async () => {
    const tasks = new MemoryTaskEngine();
    const server = new TaskMCP({
      name: 'lean-limits',
      version: '1',
      logger: () => {},
      auth: { verifier: TOKENS },
      tasks: { engine: tasks, maxTasksPerPrincipal: 1 },
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.tool({ name: 'work', input: z.object({ text: z.string() }), task: true }, async () => {
      await held;
      return 'done';
    });
    const paths = leanSwitch(ToolCallFastPath.prototype, normalised);
    const creations = vi.spyOn(tasks, 'create');
    try {
      for (const era of ['modern', 'legacy'] as const) {
        const token = era === 'modern' ? 'alice' : 'bob';
        const first = await exchange(server, requestOf({ label: 'first', era, tool: 'work', token }));
        expect(createdTaskId(first.body), era).toBeDefined();
        const before = creations.mock.calls.length;
        const over = () => requestOf({ label: 'over', era, tool: 'work', token });
        const { lean, answeredLean, handedOver } = await paths.compare(server, over, `${era} over the limit`);
        expect(answeredLean, `${era}: taken by the lean path`).toBe(true);
        expect(handedOver, `${era}: its failure handed to the SDK to answer`).toBe(true);
        expect(lean.body, era).toMatch(/"error"/);
        expect(createdTaskId(lean.body), era).toBeUndefined();
        // One refused creation per request (the lean one, then the SDK-only one): the SDK encoded the lean path's failure rather than running it again.
        expect(creations.mock.calls.length - before, era).toBe(2);
      }
    } finally {
      release();
      vi.restoreAllMocks();
      await server.close();
    }
  });

  it('leaves every call to the SDK once the server is closing', async () => {
    const shutdown = AbortSignal.abort();
    const admit = vi.fn();
    const lean = new ToolCallFastPath({
      calls: { takes: () => true, admit },
      handOver: vi.fn(),
      info: { name: 'x', version: '1' },
      shutdown,
      era: modernEra,
      encoding: 'modern',
    });
    const request = requestOf({ label: 'closing', era: 'modern', tool: 'work' });
    expect(await lean.answer(request, JSON.parse(await request.clone().text()), undefined)).toBeUndefined();
    expect(admit).not.toHaveBeenCalled();
  });
});
