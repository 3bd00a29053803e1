/** Plain HTTP routes served beside the MCP endpoint, with the same DNS-rebinding checks on loopback. */
import { request } from 'node:http';
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

  it('on another loopback address, accepts its own address as Host and still refuses a foreign one', async () => {
    const server = new TaskMCP({ name: 'routes', version: '1', logger: () => {} }).route(
      '/healthz',
      () => new Response('ok'),
    );
    // Linux routes all of 127/8 to the loopback interface.
    const running = await server.run({ transport: 'http', port: 0, host: '127.0.0.2' });
    close = running.close;
    expect(running.url!.hostname).toBe('127.0.0.2');
    expect(await (await fetch(new URL('/healthz', running.url))).text()).toBe('ok');
    const initialize = await fetch(running.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(initialize.status).toBe(200);
    // fetch cannot set Host; node:http can.
    const foreign = await new Promise<number | undefined>((resolve, reject) => {
      const url = new URL('/healthz', running.url);
      request(url, { headers: { host: 'evil.example' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(foreign).toBe(403);
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
