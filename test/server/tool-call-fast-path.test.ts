/**
 * The lean `tools/call` path (src/wire/sdk-gaps/tool-call-fast-path.ts) in the foreground, against the SDK's, on both
 * eras: each call goes to the same server once with the lean path and once with it stepped aside, and must get the
 * same status, headers and bytes, whatever the tool does: a text result (written by the lean path), any other result,
 * an input request, a tool error or a protocol error (encoded by the SDK from the lean path's outcome, the tool run
 * once), with middleware, with per-invocation dependencies, logging on 2025-11-25 (an SSE stream from the start), and
 * slow. The handler sees the same caller either way. Calls the lean path cannot prove the SDK accepts as sent (a
 * progress token, a log level, a session) are left to it.
 */
import {
  deps,
  getHttpHeaders,
  inputRequired,
  isInputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  TaskMCP,
  ToolError,
} from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ToolCallFastPath } from '../../src/wire/sdk-gaps/tool-call-fast-path.js';
import { LEGACY, MODERN, TASKS } from '../helpers.js';
import { envelope, leanSwitch, postOf, type RequestChanges, TOKENS } from './fast-path-diff.js';

type Era = 'modern' | 'legacy';

interface Spec extends RequestChanges {
  era: Era;
  tool: string;
  args?: Record<string, unknown>;
}

function requestOf(spec: Spec): Request {
  const params: Record<string, unknown> = { name: spec.tool, arguments: spec.args ?? { text: 'hi' } };
  if (spec.era === 'modern') params._meta = envelope({ elicitation: {} });
  const headers: Record<string, string> =
    spec.era === 'modern'
      ? { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': spec.tool }
      : { 'mcp-protocol-version': LEGACY };
  return postOf({ jsonrpc: '2.0', id: 11, method: 'tools/call', params }, headers, spec);
}

const ERAS: Era[] = ['modern', 'legacy'];

/** The tools whose result is text content only. */
const TEXT_RESULTS = ['text', 'blocks', 'wrapped', 'with_deps', 'chatty'];

describe('lean foreground tools/call against the SDK path', () => {
  let server: TaskMCP;
  let paths: ReturnType<typeof leanSwitch>;
  /** How often each tool's handler ran. */
  const runs = new Map<string, number>();
  /** What the `seen` tool's handler saw of its caller, in call order. */
  const seen: unknown[] = [];
  let releaseSlow: () => void = () => {};
  /** Dependencies of `with_deps` cleaned up so far. */
  const closed: string[] = [];
  let releaseHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });

  beforeAll(() => {
    paths = leanSwitch(ToolCallFastPath.prototype);
    server = new TaskMCP({
      name: 'lean-call-diff',
      version: '2.0.0',
      logger: () => {},
      auth: { verifier: TOKENS },
      maskErrorDetails: true,
    });
    const Text = z.object({ text: z.string() });
    const counted =
      <A, R>(name: string, handler: (args: A) => R) =>
      (args: A) => {
        runs.set(name, (runs.get(name) ?? 0) + 1);
        return handler(args);
      };
    server.use({
      tool: async (call, next) => {
        if (call.name !== 'wrapped') return next();
        const result = await next({ ...call, arguments: { text: 'changed by middleware' } });
        if (isInputRequiredResult(result)) return result;
        return { ...result, content: [...result.content, { type: 'text', text: 'added by middleware' }] };
      },
    });
    server.tool(
      { name: 'text', input: Text },
      counted('text', ({ text }) => text),
    );
    server.tool(
      { name: 'blocks', input: Text },
      counted('blocks', ({ text }) => ({
        content: [
          { type: 'text' as const, text },
          { type: 'text' as const, text: `${text}!` },
        ],
      })),
    );
    server.tool(
      { name: 'structured', input: Text, output: z.object({ text: z.string(), length: z.number() }) },
      counted('structured', ({ text }) => ({ text, length: text.length })),
    );
    server.tool(
      { name: 'image', input: Text },
      counted('image', () => ({
        content: [{ type: 'image' as const, data: 'AAAA', mimeType: 'image/png' }],
      })),
    );
    server.tool(
      { name: 'annotated', input: Text },
      counted('annotated', ({ text }) => ({ content: [{ type: 'text' as const, text }], isError: false })),
    );
    server.tool(
      { name: 'tool_error', input: Text },
      counted('tool_error', () => {
        throw new ToolError('the tool says no');
      }),
    );
    server.tool(
      { name: 'protocol_error', input: Text },
      counted('protocol_error', () => {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'not like that', { hint: 1 });
      }),
    );
    server.tool(
      { name: 'crash', input: Text },
      counted('crash', () => {
        throw new Error('secret detail');
      }),
    );
    server.tool(
      { name: 'asks', input: Text },
      counted('asks', () =>
        inputRequired({
          inputRequests: {
            ok: inputRequired.elicit({
              message: 'Go on?',
              requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
            }),
          },
        }),
      ),
    );
    server.tool(
      { name: 'wrapped', input: Text },
      counted('wrapped', ({ text }) => text),
    );
    server.tool(
      {
        name: 'with_deps',
        input: Text,
        depends: {
          progress: deps.progress,
          opened: async function* () {
            try {
              yield 'opened';
            } finally {
              closed.push('opened');
            }
          },
        },
      },
      async ({ text }, ctx) => {
        runs.set('with_deps', (runs.get('with_deps') ?? 0) + 1);
        return `${ctx.opened}: ${text}`;
      },
    );
    server.tool({ name: 'chatty', input: Text }, async ({ text }, ctx) => {
      runs.set('chatty', (runs.get('chatty') ?? 0) + 1);
      await ctx.info('first');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await ctx.warn('second', { n: 2 });
      return text;
    });
    server.tool({ name: 'slow', input: Text }, async ({ text }) => {
      runs.set('slow', (runs.get('slow') ?? 0) + 1);
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
        setTimeout(resolve, 20);
      });
      return {
        content: [{ type: 'image' as const, data: text === 'hi' ? 'AAAA' : 'BBBB', mimeType: 'image/png' }],
      };
    });
    server.tool({ name: 'held', input: Text }, async ({ text }) => {
      await held;
      return text;
    });
    server.tool({ name: 'seen', input: Text }, async (_args, ctx) => {
      const { requestId, authInfo, sessionId, clientCapabilities, toolName } = ctx;
      seen.push({ requestId, authInfo, sessionId, clientCapabilities, toolName, headers: getHttpHeaders() });
      return 'seen';
    });
  });

  afterAll(async () => {
    releaseSlow();
    releaseHeld();
    vi.restoreAllMocks();
    await server?.close();
  });

  const tools = [
    'text',
    'blocks',
    'structured',
    'image',
    'annotated',
    'tool_error',
    'protocol_error',
    'crash',
    'asks',
    'wrapped',
    'with_deps',
    'chatty',
    'slow',
  ];

  describe.each(ERAS)('%s', (era) => {
    it.each(tools)('answers %s exactly as the SDK does, running the tool once per request', async (tool) => {
      const before = runs.get(tool) ?? 0;
      const { lean, answeredLean, handedOver } = await paths.compare(
        server,
        () => requestOf({ era, tool }),
        `${era} ${tool}`,
      );
      expect(answeredLean, 'the lean path answered').toBe(true);
      // A text result is written by the lean path, unless it logged on 2025-11-25 (2026-07-28 drops the messages).
      const written = TEXT_RESULTS.includes(tool) && !(tool === 'chatty' && era === 'legacy');
      expect(handedOver, written ? 'written by the lean path' : 'handed to the SDK').toBe(!written);
      expect(runs.get(tool)! - before, 'one run for the lean request, one for the SDK-only one').toBe(2);
      if (tool === 'with_deps') expect(closed.length).toBe(runs.get(tool));
      expect(lean.status).toBe(200);
    });

    it('hands the handler the same caller on both paths', async () => {
      seen.length = 0;
      const { answeredLean } = await paths.compare(
        server,
        () => requestOf({ era, tool: 'seen' }),
        `${era} seen`,
      );
      expect(answeredLean).toBe(true);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toEqual(seen[1]);
      expect(seen[0]).toMatchObject({ requestId: 11, authInfo: { token: 'alice' }, toolName: 'seen' });
    });
  });

  it('sends 2025-11-25 log messages on the stream before the result, in order', async () => {
    const { lean } = await paths.compare(
      server,
      () => requestOf({ era: 'legacy', tool: 'chatty' }),
      'chatty',
    );
    const events = lean.body.split('\n\n').filter(Boolean);
    expect(events).toHaveLength(3);
    expect(events[0]).toContain('"method":"notifications/message","params":{"level":"info","data":"first"}');
    expect(events[1]).toContain('"level":"warning","data":{"message":"second","data":{"n":2}}');
    expect(events[2]).toContain('"result":{"content":[{"type":"text","text":"hi"}]}');
  });

  it('opens the 2025-11-25 stream before a call that takes longer than a turn ends, as the SDK does', async () => {
    const answers = paths.answers();
    const response = await server.fetch(requestOf({ era: 'legacy', tool: 'held' }));
    expect(paths.answers()).toBe(answers + 1);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    releaseHeld();
    expect(await response.text()).toBe(
      'event: message\ndata: {"result":{"content":[{"type":"text","text":"hi"}]},"jsonrpc":"2.0","id":11}\n\n',
    );
  });

  it('leaves to the SDK what it cannot prove the SDK accepts as sent', async () => {
    const withMeta = (meta: Record<string, unknown>) => (body: Record<string, unknown>) => {
      const params = body.params as Record<string, unknown>;
      return { ...body, params: { ...params, _meta: { ...(params._meta as object), ...meta } } };
    };
    const specs: Array<Spec & { label: string }> = [
      { label: 'progress token', era: 'modern', tool: 'text', body: withMeta({ progressToken: 'p' }) },
      {
        label: 'log level',
        era: 'modern',
        tool: 'text',
        body: withMeta({ 'io.modelcontextprotocol/logLevel': 'debug' }),
      },
      { label: 'legacy progress token', era: 'legacy', tool: 'text', body: withMeta({ progressToken: 'p' }) },
      { label: 'legacy session', era: 'legacy', tool: 'text', headers: { 'mcp-session-id': 'nope' } },
      { label: 'unknown tool', era: 'modern', tool: 'missing' },
      { label: 'invalid arguments', era: 'modern', tool: 'text', args: { text: 3 } },
      { label: 'legacy invalid arguments', era: 'legacy', tool: 'text', args: {} },
      { label: 'name header differs', era: 'modern', tool: 'text', headers: { 'mcp-name': 'blocks' } },
      { label: 'bad token', era: 'modern', tool: 'text', token: 'mallory' },
    ];
    for (const spec of specs) {
      const { answeredLean } = await paths.compare(server, () => requestOf(spec), spec.label);
      expect(answeredLean, `${spec.label}: left to the SDK`).toBe(false);
    }
  });

  it('routes a call declaring the tasks extension to a task, not the foreground', async () => {
    const request = postOf(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'text', arguments: { text: 'x' }, _meta: envelope({ extensions: { [TASKS]: {} } }) },
      },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'text' },
      {},
    );
    // `text` is a foreground-only tool: declaring the extension changes nothing, and the answer is its result.
    const response = await server.fetch(request);
    expect(await response.json()).toMatchObject({ result: { content: [{ type: 'text', text: 'x' }] } });
  });
});
