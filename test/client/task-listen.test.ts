/**
 * The bundled client follows a task by the notifications the server pushes (2026-07-28 `subscriptions/listen`) when
 * the server offers them, and polls `tasks/get` otherwise. A counting proxy between client and server (real HTTP on
 * both legs) shows which it did.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskMCP } from 'taskmcp';
import type { TaskInfo } from 'taskmcp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createListenServer } from '../fixtures/listen-server.js';
import { connectHttp, serveOverHttp } from '../helpers.js';

/** A proxy that counts requests by their `Mcp-Method` header, and can hide `taskIds` from listen requests. */
async function countingProxy(target: URL, options: { hideTaskIds?: boolean } = {}) {
  const counts = new Map<string, number>();
  const server: Server = createServer(async (req, res) => {
    const method = String(req.headers['mcp-method'] ?? req.method);
    counts.set(method, (counts.get(method) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks).toString();
    if (options.hideTaskIds && method === 'subscriptions/listen') {
      const message = JSON.parse(body);
      delete message.params.notifications.taskIds;
      message.params.notifications.toolsListChanged = true;
      body = JSON.stringify(message);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== 'host' && name !== 'content-length' && typeof value === 'string') headers.set(name, value);
    }
    const upstream = new AbortController();
    res.on('close', () => upstream.abort());
    try {
      const response = await fetch(target, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? body : undefined,
        signal: upstream.signal,
      });
      const contentType = response.headers.get('content-type');
      res.writeHead(response.status, contentType ? { 'content-type': contentType } : {});
      const reader = response.body?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader?.read())
        res.write(read.value);
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    count: (method: string) => counts.get(method) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const answerYes = () => ({ action: 'accept' as const, content: { confirm: true } });

describe.each(engineCases)('the client and pushed task notifications ($name engine)', ({ name, engine }) => {
  let server: TaskMCP;
  let url: URL;

  beforeAll(async () => {
    server = createListenServer({ name: `client-listen-${name}`, engine: engine() });
    ({ url } = await serveOverHttp(server));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('drives a task to its result by pushed notifications alone, answering its input on the way', async () => {
    const proxy = await countingProxy(url);
    const client = await connectHttp(proxy.url, { token: 'alice', onElicit: answerYes });
    try {
      const seen: TaskInfo[] = [];
      const result = await client.callTool('confirm', {}, { onProgress: (task) => seen.push(task) });
      expect(result.structuredContent).toEqual({ confirmed: true, pid: process.pid });
      expect(seen.map((task) => task.status)).toContain('input_required');
      expect(seen.at(-1)?.status).toBe('completed');
      expect(proxy.count('subscriptions/listen')).toBe(1);
      expect(proxy.count('tasks/update')).toBe(1);
      expect(proxy.count('tasks/get')).toBe(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('waits for a status by pushed notifications, then reports a cancellation the same way', async () => {
    const proxy = await countingProxy(url);
    const client = await connectHttp(proxy.url, { token: 'alice' });
    try {
      const handle = await client.callToolTask('hold');
      expect((await handle.wait({ status: 'working' })).status).toBe('working');
      await handle.cancel();
      expect((await handle.wait()).status).toBe('cancelled');
      expect(proxy.count('subscriptions/listen')).toBe(2);
      expect(proxy.count('tasks/get')).toBe(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('polls tasks/get when the server offers no task notifications, and stops asking for them', async () => {
    const proxy = await countingProxy(url, { hideTaskIds: true });
    const client = await connectHttp(proxy.url, { token: 'alice', onElicit: answerYes });
    try {
      const result = await client.callTool('confirm');
      expect(result.structuredContent).toEqual({ confirmed: true, pid: process.pid });
      expect(await client.callTool('quick')).toMatchObject({ content: [{ text: 'quick' }] });
      expect(proxy.count('subscriptions/listen')).toBe(1);
      expect(proxy.count('tasks/get')).toBeGreaterThan(1);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('polls when told not to listen', async () => {
    const proxy = await countingProxy(url);
    const client = await connectHttp(proxy.url, { token: 'alice', taskNotifications: false });
    try {
      expect(await client.callTool('quick')).toMatchObject({ content: [{ text: 'quick' }] });
      expect(proxy.count('subscriptions/listen')).toBe(0);
      expect(proxy.count('tasks/get')).toBeGreaterThan(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
