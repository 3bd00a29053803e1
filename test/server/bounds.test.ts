/**
 * The bounds on what a server keeps for tasks, as a client meets them over HTTP: per-principal and total task
 * limits (-32010), arguments kept only as the schema accepts them, size and depth caps (-32602), on both engines.
 */
import { TaskMCP } from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineCases } from '../engines.js';
import { MODERN, rpc, serveOverHttp, TASKS, untilStatus } from '../helpers.js';

/** `{ next: { next: … } }`, `depth` objects deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) value = { next: value };
  return value;
}

/** The same as JSON text, for depths `JSON.stringify` cannot reach. */
const nestedJson = (depth: number) => `${'{"next":'.repeat(depth - 1)}{"leaf":true}${'}'.repeat(depth - 1)}`;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'bounds-test', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS]: {} } },
};

/** One 2026-07-28 request whose body is given as text. */
async function rpcText(url: URL, method: string, name: string, body: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      'mcp-name': name,
    },
    body,
  });
  const text = await response.text();
  const data = text.startsWith('event:') || text.startsWith('data:') ? text.split('data:').at(-1)! : text;
  return JSON.parse(data) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
}

describe.each(engineCases)('task bounds over HTTP ($name engine)', ({ engine }) => {
  let closeServer: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await closeServer?.();
  });

  async function serve(tasks: ConstructorParameters<typeof TaskMCP>[0]['tasks'] = {}) {
    const server = new TaskMCP({
      name: 'bounds',
      version: '1',
      logger: () => {},
      tasks: { engine: engine(), ...tasks },
    });
    server.tool(
      {
        name: 'keep',
        input: z.object({ label: z.string(), extra: z.any().optional() }),
        task: { mode: 'required', pollIntervalMs: 20 },
      },
      ({ label }) => `kept ${label}`,
    );
    server.tool(
      { name: 'wait', task: { mode: 'required', pollIntervalMs: 20 } },
      (_args, ctx) =>
        new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('stopped'))),
    );
    const running = await serveOverHttp(server);
    closeServer = running.close;
    return { server, url: running.url };
  }

  it('refuses a task past the per-principal limit with -32010, and creates nothing', async () => {
    const { url } = await serve({ maxTasksPerPrincipal: 2 });
    for (let i = 0; i < 2; i++) {
      expect((await rpc(url, 'tools/call', { name: 'wait', arguments: {} })).result?.resultType).toBe('task');
    }
    const refused = await rpc(url, 'tools/call', { name: 'wait', arguments: {} });
    expect(refused.error).toEqual({
      code: -32010,
      message:
        'Too many tasks for this caller (at most 2 at once): wait for some to end and expire, or cancel some.',
    });
  });

  it('keeps only the arguments the schema accepts: extra keys, however large or deep, are not stored', async () => {
    const { server, url } = await serve();
    // Sent as text: JSON.stringify itself cannot nest 5,000 levels deep.
    const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"keep","arguments":{"label":"a","junk":"${'x'.repeat(200_000)}","deep":${nestedJson(5_000)}},"_meta":${JSON.stringify(MODERN_META)}}}`;
    const created = await rpcText(url, 'tools/call', 'keep', body);
    const taskId = created.result?.taskId as string;
    expect(taskId).toMatch(/^t/);
    expect((await server.engine.get(taskId))?.args).toEqual({ label: 'a' });
    const done = await untilStatus(url, taskId, ['completed']);
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'kept a' }] });
  });

  it('refuses accepted arguments that are too deep or too large with -32602', async () => {
    const { url } = await serve({ maxArgumentBytes: 10_000 });
    const deep = await rpc(url, 'tools/call', {
      name: 'keep',
      arguments: { label: 'd', extra: nested(100) },
    });
    expect(deep.error).toEqual({
      code: -32602,
      message: "Task arguments are nested more than 64 levels deep. (tool 'keep')",
    });
    const large = await rpc(url, 'tools/call', {
      name: 'keep',
      arguments: { label: 'l', extra: 'y'.repeat(20_000) },
    });
    expect(large.error?.code).toBe(-32602);
    expect(large.error?.message).toMatch(
      /^Task arguments are 200\d\d bytes; at most 10000 are kept for a task\./,
    );
  });
});
