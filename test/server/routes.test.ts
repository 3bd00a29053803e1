/** Plain HTTP routes served beside the MCP endpoint, with the same DNS-rebinding checks on loopback. */
import { TaskMCP } from 'taskmcp';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOverHttp } from '../helpers.js';

describe('server.route', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('serves exact and prefix routes beside /mcp, 404 elsewhere, and refuses a foreign Origin', async () => {
    const server = new TaskMCP({ name: 'routes', version: '1', logger: () => {} })
      .route('/healthz', () => new Response('ok'))
      .route('/pages/', (request) => new Response(`page ${new URL(request.url).pathname}`));
    const running = await serveOverHttp(server);
    close = running.close;
    const at = (path: string, init?: RequestInit) => fetch(new URL(path, running.url), init);
    expect(await (await at('/healthz')).text()).toBe('ok');
    expect(await (await at('/pages/a/b.css')).text()).toBe('page /pages/a/b.css');
    expect((await at('/healthz/more')).status).toBe(404);
    expect((await at('/elsewhere')).status).toBe(404);
    expect((await at('/healthz', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect(() => server.route('/late', () => new Response(''))).toThrow(/before the server starts/);
  });

  it('refuses a relative or duplicate route path', () => {
    const server = new TaskMCP({ name: 'routes', version: '1', logger: () => {} }).route(
      '/a',
      () => new Response(''),
    );
    expect(() => server.route('a', () => new Response(''))).toThrow(/starts with '\/'/);
    expect(() => server.route('/a', () => new Response(''))).toThrow(/already served/);
  });
});
