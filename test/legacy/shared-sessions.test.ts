/**
 * 2025-11-25 sessions shared by two front ends on one Redis, with no sticky routing: an SDK v1 client talks through a
 * round-robin proxy, so its requests alternate between the front ends and every other one reaches the front end that
 * does not hold its session (relayed through Redis). Covers initialize, elicitation on a plain call's stream, a
 * task's status notifications, resources/subscribe, DELETE, a foreign principal, and an owner that closed or died.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, text } from '../helpers.js';
import { redisEngine, requireRedis, uniqueName } from '../redis.js';
import { aliceAndBobVerifier, registerGreet } from './http-fixture.js';
import { CallToolResultSchema, CreateTaskResultSchema, connectV1Http } from './v1-client.js';

function frontEnd(name: string, notes: { released?: Promise<void> }): TaskMCP {
  const server = new TaskMCP({
    name: 'shared',
    version: '1',
    logger: () => {},
    sessions: true,
    tasks: { engine: redisEngine({ name }) },
    auth: { verifier: aliceAndBobVerifier() },
  });
  registerGreet(server);
  server.tool({ name: 'later', task: { mode: 'required', pollIntervalMs: 20 } }, async () => {
    await notes.released;
    return 'done later';
  });
  server.resource('r1', 'data://r1', { mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri: uri.href, text: 'r1' }],
  }));
  return server;
}

/** Sends each request to the next target in turn, streaming both ways; counts what each target got. */
async function roundRobin(targets: URL[]): Promise<{ url: URL; sent: number[]; close(): Promise<void> }> {
  const sent = targets.map(() => 0);
  let next = 0;
  const proxy: Server = createServer(async (req, res) => {
    const index = next++ % targets.length;
    sent[index]!++;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && key !== 'host' && key !== 'connection') headers.set(key, value);
    }
    try {
      const upstream = await fetch(targets[index]!, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        signal: abort.signal,
      });
      const head: Record<string, string> = {};
      upstream.headers.forEach((value, key) => {
        head[key] = value;
      });
      res.writeHead(upstream.status, head);
      res.flushHeaders();
      if (upstream.body)
        Readable.fromWeb(upstream.body as never)
          .on('error', () => res.destroy())
          .pipe(res);
      else res.end();
    } catch {
      res.destroy();
    }
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const { port } = proxy.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    sent,
    close: async () => {
      proxy.closeAllConnections();
      proxy.close();
    },
  };
}

const raw = (url: URL, method: string, session: string, token: string, body?: unknown) =>
  fetch(url, {
    method,
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2025-11-25',
      'mcp-session-id': session,
      authorization: `Bearer ${token}`,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe.runIf(await requireRedis())('2025-11-25 sessions across two front ends on Redis', () => {
  let release!: () => void;
  const notes = { released: new Promise<void>((resolve) => (release = resolve)) };
  const name = uniqueName('shared');
  const servers = [frontEnd(name, notes), frontEnd(name, notes)];
  let urls: URL[];
  let proxy: Awaited<ReturnType<typeof roundRobin>>;

  beforeAll(async () => {
    urls = await Promise.all(
      servers.map(async (server) => (await server.run({ transport: 'http', port: 0 })).url!),
    );
    proxy = await roundRobin(urls);
  });
  afterAll(async () => {
    release();
    await proxy?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  it('serves one session through either front end: elicitation, task statuses, subscriptions, DELETE', async () => {
    const alice = await connectV1Http(proxy.url, 'alice');
    const { client, recorded } = alice;
    const session = (client.transport as { sessionId?: string }).sessionId!;
    // Plain calls whose elicitation goes out on the call's stream, live; the answer may reach either front end. A
    // call and its answer are two requests, so a ping between rounds puts the next call on the other front end.
    for (let round = 0; round < 2; round++) {
      const greeting = await client.callTool({ name: 'greet', arguments: {} });
      expect(text(greeting as never)).toBe('Hello, Ada!');
      await client.ping();
    }
    expect(recorded.elicitations.map((elicitation) => elicitation.message)).toEqual(['Name?', 'Name?']);

    const { task } = await client.request(
      { method: 'tools/call', params: { name: 'later', arguments: {} } },
      CreateTaskResultSchema,
      { task: { ttl: 60_000 } },
    );
    release();
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(text(result)).toBe('done later');
    await eventually(() =>
      recorded.statuses.some((status) => status.taskId === task.taskId && status.status === 'completed'),
    );

    const updated: string[] = [];
    const { ResourceUpdatedNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updated.push(notification.params.uri);
    });
    await client.subscribeResource({ uri: 'data://r1' });
    // Subscriptions live with the session's owner; notifying every front end reaches it wherever it is.
    await Promise.all(servers.map((server) => server.notifyResourceUpdated('data://r1')));
    await eventually(() => updated.length === 1);
    expect(updated).toEqual(['data://r1']);

    // Both front ends answered this session's traffic: half of it was relayed.
    expect(proxy.sent.every((count) => count >= 3)).toBe(true);
    // Another principal's request for the session is refused on either front end, as an unknown id is.
    for (const url of urls) expect((await raw(url, 'POST', session, 'bob', ping)).status).toBe(404);
    for (const url of urls) expect((await raw(url, 'POST', session, 'alice', ping)).status).toBe(200);

    await (client.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    for (const url of urls) expect((await raw(url, 'POST', session, 'alice', ping)).status).toBe(404);
    await alice.close();
  });

  it('answers 404 and forgets the session once its owner died, at once', async () => {
    const engine = servers[1]!.engine;
    const relay = engine.sessionRelay()!;
    // A session claimed by a front end whose process is gone: nobody listens on its channel.
    await relay.claim('orphan', 'a-front-end-that-died', 60_000);
    expect((await raw(urls[1]!, 'POST', 'orphan', 'alice', ping)).status).toBe(404);
    expect(await relay.ownerOf('orphan')).toBeNull();
  });

  it('answers 404 for the sessions of a front end that closed', async () => {
    const alice = await connectV1Http(urls[0]!, 'alice');
    const session = (alice.client.transport as { sessionId?: string }).sessionId!;
    expect((await raw(urls[1]!, 'POST', session, 'alice', ping)).status).toBe(200);
    await servers[0]!.close();
    expect((await raw(urls[1]!, 'POST', session, 'alice', ping)).status).toBe(404);
    await alice.close().catch(() => {});
  });
});
