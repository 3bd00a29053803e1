/**
 * Middleware end to end over Streamable HTTP, on both eras and every engine (here the process that answers also runs
 * the legs; test/middleware/worker.test.ts has a separate worker): order, argument and result rewriting, answers
 * without the handler, error mapping, foreground calls and task legs alike, and the shipped middleware.
 */
import type { TaskMCP } from 'taskmcp';
import type { CallTiming } from 'taskmcp/middleware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createMiddlewareServer, type EchoView, REFUSED } from '../fixtures/middleware-server.js';
import { connectHttp, rpc, serveOverHttp, text, untilStatus } from '../helpers.js';

const TRAIL = { path: ['first', 'second'], out: ['second', 'first'] };

describe.each(engineCases)('middleware ($name engine)', ({ engine }) => {
  let server: TaskMCP;
  let url: URL;
  const timings: CallTiming[] = [];

  beforeAll(async () => {
    server = createMiddlewareServer({ name: 'middleware', engine: engine(), report: (t) => timings.push(t) });
    ({ url } = await serveOverHttp(server));
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A `resources/read` over the raw wire (2026-07-28 routes it by the Mcp-Name header). */
  const readResource = (uri: string, token: string) =>
    rpc(url, 'resources/read', { uri }, { token, headers: { 'mcp-name': uri } });

  /** A foreground call (no tasks extension declared) and the same call as a task, run to its end. */
  async function bothWays(name: string, args: Record<string, unknown>, token = 'writer') {
    const foreground = await rpc(url, 'tools/call', { name, arguments: args }, { token, declare: false });
    const created = await rpc(url, 'tools/call', { name, arguments: args }, { token });
    expect(created.result?.resultType).toBe('task');
    const task = await untilStatus(url, created.result!.taskId as string, ['completed', 'failed'], token);
    return { foreground, task };
  }

  describe('2026-07-28', () => {
    it('runs the chain in registration order around a foreground call and a task leg alike', async () => {
      const { foreground, task } = await bothWays('echo', { text: 'hi' });
      expect(foreground.result?.structuredContent).toMatchObject({ text: 'hi', ...TRAIL, taskId: null });
      expect(task.status).toBe('completed');
      expect((task.result as { structuredContent: EchoView }).structuredContent).toMatchObject({
        text: 'hi',
        ...TRAIL,
        taskId: task.taskId,
      });
    });

    it('answers without the handler when a middleware short-circuits', async () => {
      const { foreground, task } = await bothWays('cached', {});
      expect(foreground.result).toMatchObject({ content: [{ text: 'from cache' }] });
      expect(foreground.result?.isError).toBeUndefined();
      expect(task).toMatchObject({ status: 'completed', result: { content: [{ text: 'from cache' }] } });
    });

    it('maps a thrown ProtocolError to a JSON-RPC error, or a failed task with that error', async () => {
      const { foreground, task } = await bothWays('refused_protocol', {});
      const error = { code: REFUSED, message: 'refused by middleware', data: { by: 'gatekeeper' } };
      expect(foreground.error).toEqual(error);
      expect(task).toMatchObject({ status: 'failed', error });
    });

    it('maps any other throw to an isError result, as a handler throw is', async () => {
      for (const [name, message] of [
        ['refused_plain', 'middleware broke'],
        ['refused_tool_error', 'not for you'],
      ] as const) {
        const { foreground, task } = await bothWays(name, {});
        expect(foreground.result, name).toMatchObject({ isError: true, content: [{ text: message }] });
        expect(task, name).toMatchObject({
          status: 'completed',
          result: { isError: true, content: [{ text: message }] },
        });
      }
    });

    it('rewrites resource URIs and prompt arguments, and their results', async () => {
      const draft = await readResource('notes://items/draft', 'reader');
      expect(draft.result?.contents).toEqual([{ uri: 'notes://items/final', text: 'note final (checked)' }]);
      const prompt = await rpc(
        url,
        'prompts/get',
        { name: 'summarize', arguments: { topic: 'tides' } },
        { token: 'reader', headers: { 'mcp-name': 'summarize' } },
      );
      expect(prompt.result?.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Summarize TIDES' } },
        { role: 'assistant', content: { type: 'text', text: 'Noted.' } },
      ]);
    });

    it('maps throws around resources to JSON-RPC errors: its own code, else -32603', async () => {
      const secret = await readResource('notes://items/secret', 'reader');
      expect(secret.error).toMatchObject({ code: REFUSED, message: 'secret note' });
      const broken = await readResource('notes://items/broken', 'reader');
      expect(broken.error).toMatchObject({ code: -32603, message: 'broken note' });
    });
  });

  describe('2025-11-25', () => {
    it('runs the chain around foreground calls and task legs, and maps errors the same way', async () => {
      const tasks = await connectHttp(url, { token: 'writer', era: 'legacy' });
      const plain = await connectHttp(url, { token: 'writer', era: 'legacy', tasks: false });
      try {
        expect(tasks.protocolVersion).toBe('2025-11-25');
        const inTask = (await tasks.callTool('echo', { text: 'old' })).structuredContent as EchoView;
        const inForeground = (await plain.callTool('echo', { text: 'old' })).structuredContent as EchoView;
        expect(inTask).toMatchObject({ text: 'old', ...TRAIL, taskId: expect.any(String) });
        expect(inForeground).toMatchObject({ text: 'old', ...TRAIL, taskId: null });
        expect(text(await tasks.callTool('cached'))).toBe('from cache');
        expect(text(await plain.callTool('cached'))).toBe('from cache');
        await expect(tasks.callTool('refused_protocol')).rejects.toMatchObject({ code: REFUSED });
        await expect(plain.callTool('refused_protocol')).rejects.toMatchObject({ code: REFUSED });
        expect(await tasks.callTool('refused_plain')).toMatchObject({ isError: true });
        const read = await plain.sdk.readResource({ uri: 'notes://items/draft' });
        expect(read.contents).toEqual([{ uri: 'notes://items/final', text: 'note final (checked)' }]);
        const prompt = await plain.sdk.getPrompt({ name: 'summarize', arguments: { topic: 'era' } });
        expect(prompt.messages[0]?.content).toMatchObject({ text: 'Summarize ERA' });
        await expect(plain.sdk.readResource({ uri: 'notes://items/secret' })).rejects.toMatchObject({
          code: REFUSED,
        });
      } finally {
        await tasks.close();
        await plain.close();
      }
    });
  });

  describe('shipped middleware', () => {
    it('requireScopes refuses a call, a task leg and a read without the scope with -32012', async () => {
      const { foreground, task } = await bothWays('write_note', {}, 'reader');
      const refusal = {
        code: -32012,
        data: { requiredScopes: ['notes:write'], missingScopes: ['notes:write'] },
      };
      expect(foreground.error).toMatchObject(refusal);
      expect(foreground.error?.message).toContain("tool 'write_note' needs the scope notes:write");
      expect(task).toMatchObject({ status: 'failed', error: refusal });
      const allowed = await bothWays('write_note', {}, 'writer');
      expect(text(allowed.foreground.result!)).toBe('written');
      expect(allowed.task).toMatchObject({ status: 'completed', result: { content: [{ text: 'written' }] } });
      const refusedRead = await readResource('notes://items/1', 'nobody');
      expect(refusedRead.error).toMatchObject({ code: -32012, data: { missingScopes: ['notes:read'] } });
    });

    it('rateLimit refuses a principal beyond its limit with -32013, and only that principal', async () => {
      const call = (token: string) =>
        rpc(url, 'tools/call', { name: 'limited', arguments: {} }, { token, declare: false });
      for (let n = 1; n <= 3; n++) expect(text((await call('limited')).result!)).toBe('within the limit');
      const refused = await call('limited');
      expect(refused.error).toMatchObject({ code: -32013, data: { retryAfterMs: expect.any(Number) } });
      expect((refused.error!.data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
      expect(text((await call('writer')).result!)).toBe('within the limit');
    });

    it('timing reports each call with its outcome, foreground and task leg alike', async () => {
      const { task } = await bothWays('soft_fail', {});
      await readResource('notes://items/7', 'reader');
      const of = (name: string) => timings.filter((t) => t.call.name === name);
      const softFails = of('soft_fail');
      expect(softFails.map((t) => t.outcome)).toEqual(['tool_error', 'tool_error']);
      expect(softFails.map((t) => t.call.context.taskId)).toEqual([undefined, task.taskId]);
      expect(of('refused_protocol').every((t) => t.outcome === 'error')).toBe(true);
      expect(of('note').at(-1)).toMatchObject({ outcome: 'ok', call: { kind: 'resource' } });
      for (const entry of timings) expect(entry.ms).toBeGreaterThanOrEqual(0);
    });
  });
});
