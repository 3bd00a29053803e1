/** What `server.use()` accepts, when, and what `next()` may be given. */
import { type Middleware, TaskMCP } from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { rpc, serveOverHttp, text } from '../helpers.js';

let running: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const newServer = () => new TaskMCP({ name: 'use', version: '1.0.0', logger: () => {} });

describe('server.use()', () => {
  it('takes a function or an object of tool/resource/prompt hooks, and says what is wrong otherwise', () => {
    const server = newServer();
    expect(() => server.use(42 as never)).toThrow(/takes a function \(call, next\) or an object/);
    expect(() => server.use({ tools: async () => ({ content: [] }) } as never)).toThrow(
      /Unknown middleware hook 'tools': use tool, resource or prompt/,
    );
    expect(() => server.use({ tool: 'no' } as never)).toThrow(/hook 'tool' must be a function/);
    expect(() => server.use({ prompt: (_call, next) => next() })).not.toThrow();
  });

  it('refuses middleware once the server has started', async () => {
    const server = newServer();
    await server.start();
    running = server;
    expect(() => server.use((_call, next) => next())).toThrow(/before the server starts/);
  });

  it("refuses a next() call that names another tool, as the calling tool's isError result", async () => {
    const redirect: Middleware = (call, next) => next({ ...call, name: 'other' });
    const server = newServer().use(redirect);
    server.tool({ name: 'asked' }, () => 'asked ran');
    server.tool({ name: 'other' }, () => 'other ran');
    const served = await serveOverHttp(server);
    running = served;
    const reply = await rpc(served.url, 'tools/call', { name: 'asked', arguments: {} }, { declare: false });
    expect(reply.result?.isError).toBe(true);
    expect(text(reply.result!)).toMatch(/passed on a tool call 'other' for the tool call 'asked'/);
  });
});
