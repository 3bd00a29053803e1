/**
 * The lean path for a foreground `tools/call` in a 2025-11-25 HTTP session
 * (src/wire/sdk-gaps/session-call-fast-path.ts) against the session's transport, on both engines, with resumable
 * streams and without: each call goes to the same session once with the lean path and once with it stepped aside,
 * and must get the same status, headers and bytes (event ids aside, which are new per stream), whatever the tool
 * does, running once per request; the handler sees the same caller (the session, the client capabilities declared
 * at initialization). A lean answer is stored like the transport's: a client that lost it resumes it with
 * `Last-Event-ID`. Log messages follow the session's `logging/setLevel`; calls the lean path cannot prove the
 * transport accepts as sent are left to it.
 */
import { ProtocolError, ProtocolErrorCode, TaskMCP, ToolError } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SessionCallFastPath } from '../../src/wire/sdk-gaps/session-call-fast-path.js';
import { engineCases } from '../engines.js';
import { eventually, LEGACY } from '../helpers.js';
import {
  type Exchange,
  exchange,
  leanSwitch,
  postOf,
  type RequestChanges,
  TOKENS,
} from './fast-path-diff.js';

/** The answer with its event ids (a new stream id per POST, and positions) replaced. */
function normalised(answer: Exchange): Exchange {
  return { ...answer, body: answer.body.replace(/^id: \S+$/gm, 'id: EVENT') };
}

const Text = z.object({ text: z.string() });

function sessionServer(engine: ReturnType<(typeof engineCases)[number]['engine']>, resumable: boolean) {
  const server = new TaskMCP({
    name: 'lean-session-diff',
    version: '3.0.0',
    logger: () => {},
    auth: { verifier: TOKENS },
    sessions: { resumable },
    tasks: { engine },
  });
  const runs = new Map<string, number>();
  const counted =
    <R>(name: string, handler: (args: { text: string }) => R) =>
    (args: { text: string }) => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      return handler(args);
    };
  server.tool(
    { name: 'text', input: Text },
    counted('text', ({ text }) => text),
  );
  server.tool(
    { name: 'structured', input: Text, output: z.object({ text: z.string() }) },
    counted('structured', ({ text }) => ({ text })),
  );
  server.tool(
    { name: 'tool_error', input: Text },
    counted('tool_error', () => {
      throw new ToolError('no');
    }),
  );
  server.tool(
    { name: 'protocol_error', input: Text },
    counted('protocol_error', () => {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'not so');
    }),
  );
  server.tool({ name: 'chatty', input: Text }, async ({ text }, ctx) => {
    runs.set('chatty', (runs.get('chatty') ?? 0) + 1);
    await ctx.debug('hidden below the level');
    await ctx.warn('shown', { n: 1 });
    return text;
  });
  server.tool({ name: 'slow', input: Text }, async ({ text }) => {
    runs.set('slow', (runs.get('slow') ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return text;
  });
  const seen: unknown[] = [];
  server.tool({ name: 'seen', input: Text }, async (_args, ctx) => {
    seen.push({ sessionId: ctx.sessionId, caps: ctx.clientCapabilities, token: ctx.authInfo?.token });
    return 'seen';
  });
  server.tool({ name: 'task', input: Text, task: true }, ({ text }) => text);
  const cancelled: string[] = [];
  server.tool({ name: 'waits', input: Text }, async (_args, ctx) => {
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    cancelled.push(String(ctx.signal.reason));
    return 'stopped';
  });
  return { server, runs, seen, cancelled };
}

/** A session opened with raw requests on `server.fetch`, and its requests. */
async function openSession(server: TaskMCP): Promise<{
  requestOf: (spec: RequestChanges & { tool: string }) => Request;
  notify: (message: Record<string, unknown>) => Promise<Response>;
}> {
  const headers = { 'mcp-protocol-version': LEGACY };
  const init = await server.fetch(
    postOf(
      {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: LEGACY,
          capabilities: { elicitation: {} },
          clientInfo: { name: 'diff', version: '1' },
        },
      },
      {},
      {},
    ),
  );
  const sessionId = init.headers.get('mcp-session-id')!;
  await init.text();
  const inSession = { ...headers, 'mcp-session-id': sessionId };
  await server.fetch(postOf({ jsonrpc: '2.0', method: 'notifications/initialized' }, inSession, {}));
  const setLevel = { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'info' } };
  await (await server.fetch(postOf(setLevel, inSession, {}))).text();
  return {
    requestOf: (spec) =>
      postOf(
        {
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: spec.tool, arguments: { text: 'hi' } },
        },
        inSession,
        spec,
      ),
    notify: (message) => server.fetch(postOf({ jsonrpc: '2.0', ...message }, inSession, {})),
  };
}

describe.each(engineCases)(
  'lean tools/call in a session against its transport ($name engine)',
  ({ engine }) => {
    describe.each([true, false])('resumable %s', (resumable) => {
      let fixture: ReturnType<typeof sessionServer>;
      let requestOf: Awaited<ReturnType<typeof openSession>>['requestOf'];
      let notify: Awaited<ReturnType<typeof openSession>>['notify'];
      let paths: ReturnType<typeof leanSwitch>;

      beforeAll(async () => {
        paths = leanSwitch(SessionCallFastPath.prototype, normalised);
        fixture = sessionServer(engine(), resumable);
        ({ requestOf, notify } = await openSession(fixture.server));
      });

      afterAll(async () => {
        vi.restoreAllMocks();
        await fixture?.server.close();
      });

      it.each(['text', 'structured', 'tool_error', 'protocol_error', 'chatty', 'slow'])(
        'answers %s exactly as the transport does, running the tool once per request',
        async (tool) => {
          const before = fixture.runs.get(tool) ?? 0;
          const { lean, answeredLean, handedOver } = await paths.compare(
            fixture.server,
            () => requestOf({ tool }),
            tool,
          );
          expect(answeredLean, 'taken by the lean path').toBe(true);
          // Only a text result, within the turn and with nothing logged, is written by the lean path.
          expect(handedOver, 'handed to the transport').toBe(tool !== 'text');
          expect(fixture.runs.get(tool)! - before).toBe(2);
          expect(lean.status).toBe(200);
          if (resumable) expect(normalised(lean).body).toMatch(/^id: EVENT\nretry: \d+\ndata: \n\n/);
          if (tool === 'chatty') {
            expect(lean.body).toContain('"level":"warning"');
            expect(lean.body).not.toContain('hidden below the level');
          }
        },
      );

      it('hands the handler the session and the capabilities it declared', async () => {
        fixture.seen.length = 0;
        const { answeredLean } = await paths.compare(
          fixture.server,
          () => requestOf({ tool: 'seen' }),
          'seen',
        );
        expect(answeredLean).toBe(true);
        expect(fixture.seen[0]).toEqual(fixture.seen[1]);
        expect(fixture.seen[0]).toMatchObject({ caps: { elicitation: {} }, token: 'alice' });
        expect((fixture.seen[0] as { sessionId: string }).sessionId).toMatch(/^[0-9a-f-]{36}$/);
      });

      it('leaves to the transport what it does not take', async () => {
        const specs: Array<RequestChanges & { tool: string; label: string }> = [
          { label: 'unknown tool', tool: 'missing' },
          { label: 'progress token', tool: 'text', body: (b) => withMeta(b, { progressToken: 1 }) },
          { label: 'other session', tool: 'text', headers: { 'mcp-session-id': crypto.randomUUID() } },
          { label: 'no version header', tool: 'text', headers: { 'mcp-protocol-version': null } },
          { label: 'foreign caller', tool: 'text', token: 'bob' },
        ];
        for (const spec of specs) {
          const { answeredLean } = await paths.compare(fixture.server, () => requestOf(spec), spec.label);
          expect(answeredLean, `${spec.label}: left to the transport`).toBe(false);
        }
        // A task's creation (its id is new each time, so it is not compared).
        const answers = paths.answers();
        const asTask = (b: Record<string, unknown>) => ({
          ...b,
          params: { ...(b.params as object), task: {} },
        });
        const created = await exchange(fixture.server, requestOf({ tool: 'task', body: asTask }));
        expect(created.body).toContain('"taskId"');
        expect(paths.answers(), 'a task: left to the transport').toBe(answers);
      });

      it('aborts a call it started once the client cancels it, through the server that took it over', async () => {
        const answers = paths.answers();
        const response = await fixture.server.fetch(requestOf({ tool: 'waits' }));
        expect(paths.answers(), 'taken by the lean path, then handed over').toBe(answers + 1);
        const cancel = await notify({
          method: 'notifications/cancelled',
          params: { requestId: 9, reason: 'the user gave up' },
        });
        expect(cancel.status).toBe(202);
        await eventually(() => fixture.cancelled.length > 0 || undefined);
        expect(fixture.cancelled).toEqual([expect.stringContaining('the user gave up')]);
        await response.body?.cancel();
      });

      const resumes = resumable
        ? 'keeps a lean answer for a client that resumes its stream'
        : 'writes a lean answer without event ids, as the transport does when nothing is kept';
      it(resumes, async () => {
        const answers = paths.answers();
        const response = await fixture.server.fetch(requestOf({ tool: 'text' }));
        expect(paths.answers()).toBe(answers + 1);
        const text = await response.text();
        if (!resumable) {
          expect(text).toBe(
            'event: message\ndata: {"result":{"content":[{"type":"text","text":"hi"}]},"jsonrpc":"2.0","id":9}\n\n',
          );
          return;
        }
        const primed = /^id: (\S+)$/m.exec(text)![1]!;
        const request = requestOf({ tool: 'text' });
        const resumed = await fixture.server.fetch(
          new Request(request.url, {
            method: 'GET',
            headers: {
              accept: 'text/event-stream',
              authorization: request.headers.get('authorization')!,
              'mcp-protocol-version': LEGACY,
              'mcp-session-id': request.headers.get('mcp-session-id')!,
              'last-event-id': primed,
            },
          }),
        );
        expect(resumed.status).toBe(200);
        expect(await resumed.text()).toContain(
          '"result":{"content":[{"type":"text","text":"hi"}]},"jsonrpc":"2.0","id":9',
        );
      });
    });
  },
);

function withMeta(body: Record<string, unknown>, meta: Record<string, unknown>): Record<string, unknown> {
  return { ...body, params: { ...(body.params as object), _meta: meta } };
}
