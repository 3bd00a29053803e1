/**
 * A tool asks only for the input the client declared it can give (SEP-2322): on 2026-07-28, a request for an
 * undeclared kind is -32021 naming the missing capability, in the foreground and in a task (where the client's
 * capabilities travel with the task's context to whichever process runs it).
 */
import { inputRequired, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { missingInputCapabilities } from '../../src/server/input-capabilities.js';
import { engineCases } from '../engines.js';
import { rpc, serveOverHttp, untilStatus } from '../helpers.js';

const Name = z.object({ name: z.string() });

describe.each(engineCases)(
  'input kinds the client declared, 2026-07-28 over HTTP ($name engine)',
  ({ engine }) => {
    let server: TaskMCP;
    let url: URL;

    beforeAll(async () => {
      server = new TaskMCP({ name: 'declared-input', version: '1', tasks: { engine: engine() } });
      server.tool({ name: 'ask_name', task: { mode: 'optional', pollIntervalMs: 20 } }, (_args, ctx) => {
        if (ctx.inputResponses?.name) return 'thanks';
        return inputRequired({
          inputRequests: { name: inputRequired.elicit({ message: 'Name?', requestedSchema: Name }) },
        });
      });
      server.tool({ name: 'declared', task: { mode: 'required', pollIntervalMs: 20 } }, (_args, ctx) =>
        JSON.stringify(ctx.clientCapabilities),
      );
      ({ url } = await serveOverHttp(server));
    });

    afterAll(async () => {
      await server?.close();
    });

    it('fails a task that asks for elicitation from a client that declared only the tasks extension', async () => {
      const created = await rpc(url, 'tools/call', { name: 'ask_name', arguments: {} }, { capabilities: {} });
      const taskId = created.result?.taskId as string;
      expect(taskId).toEqual(expect.any(String));
      const failed = await untilStatus(url, taskId, ['failed', 'input_required']);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({
        code: -32021,
        data: { requiredCapabilities: { elicitation: {} } },
      });
      expect(failed).not.toHaveProperty('inputRequests');
    });

    it('waits for input from a client that declared elicitation', async () => {
      const created = await rpc(url, 'tools/call', { name: 'ask_name', arguments: {} });
      const waiting = await untilStatus(url, created.result?.taskId as string, ['failed', 'input_required']);
      expect(waiting.status).toBe('input_required');
      expect(Object.values(waiting.inputRequests as object)).toEqual([
        expect.objectContaining({ method: 'elicitation/create' }),
      ]);
    });

    it('shows a handler running as a task the capabilities its creating request declared', async () => {
      const created = await rpc(
        url,
        'tools/call',
        { name: 'declared', arguments: {} },
        { capabilities: { sampling: {}, roots: {} } },
      );
      const done = await untilStatus(url, created.result?.taskId as string, ['completed', 'failed']);
      const seen = JSON.parse((done.result as { content: Array<{ text: string }> }).content[0]!.text);
      expect(seen).toEqual({ sampling: {}, roots: {}, extensions: { 'io.modelcontextprotocol/tasks': {} } });
    });

    it('answers -32021 in the foreground when the client did not declare elicitation', async () => {
      const reply = await rpc(
        url,
        'tools/call',
        { name: 'ask_name', arguments: {} },
        { declare: false, capabilities: {} },
      );
      expect(reply.result).toBeUndefined();
      expect(reply.error).toMatchObject({
        code: -32021,
        data: { requiredCapabilities: { elicitation: {} } },
      });
    });

    it('asks in the foreground when the client declared elicitation', async () => {
      const reply = await rpc(url, 'tools/call', { name: 'ask_name', arguments: {} }, { declare: false });
      expect(reply.error).toBeUndefined();
      expect(reply.result).toMatchObject({ resultType: 'input_required' });
    });
  },
);

describe('missingInputCapabilities', () => {
  const elicit = { method: 'elicitation/create', params: { message: 'Name?' } };
  const elicitUrl = { method: 'elicitation/create', params: { mode: 'url', url: 'https://example.com' } };
  const sample = { method: 'sampling/createMessage', params: {} };
  const roots = { method: 'roots/list' };

  it('names every kind that was not declared', () => {
    expect(missingInputCapabilities({ a: elicit, b: sample, c: roots }, {})).toEqual({
      elicitation: {},
      sampling: {},
      roots: {},
    });
    expect(missingInputCapabilities({ a: sample, b: roots }, { sampling: {}, roots: {} })).toBeUndefined();
  });

  it('needs elicitation.url for a URL-mode request; an empty elicitation capability is form mode only', () => {
    expect(missingInputCapabilities({ a: elicitUrl }, { elicitation: {} })).toEqual({
      elicitation: { url: {} },
    });
    expect(missingInputCapabilities({ a: elicitUrl }, { elicitation: { url: {} } })).toBeUndefined();
    expect(missingInputCapabilities({ a: elicit }, { elicitation: {} })).toBeUndefined();
  });

  it('checks nothing when the client capabilities are unknown (a task created before they were kept)', () => {
    expect(missingInputCapabilities({ a: elicit }, undefined)).toBeUndefined();
  });
});
