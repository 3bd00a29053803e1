/**
 * 2025-11-25 sessions over Streamable HTTP (`sessions` option), end to end with the official SDK v1 client and raw
 * requests: the session id, server→client requests in plain tool calls (elicitation, sampling), a persisted
 * `logging/setLevel`, the 404/400/503 answers, DELETE, binding to the principal, the idle timeout, and stateless
 * serving when sessions are off.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { inputRequired, TaskMCP, type TaskMCPOptions } from 'taskmcp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { createTestServer } from '../fixtures/test-server.js';
import { eventually, serveOverHttp, text } from '../helpers.js';
import { aliceAndBobVerifier, registerGreet } from './http-fixture.js';
import { describeLegacyTasks } from './suite.js';
import { connectV1Http } from './v1-client.js';

/** `slow` calls `started` when it runs, and returns once `release` settles. */
function sessionServer(
  sessions: TaskMCPOptions['sessions'],
  slow: { started?: () => void; release?: Promise<void> } = {},
): TaskMCP {
  const server = new TaskMCP({
    name: 'sessions',
    version: '1',
    logger: () => {},
    sessions,
    auth: { verifier: aliceAndBobVerifier() },
  });
  registerGreet(server);
  server.tool({ name: 'summarize', description: 'Asks the client to sample.' }, (_args, ctx) => {
    const sampled = ctx.inputResponses?.summary as { content?: { text?: string } } | undefined;
    if (!sampled) {
      return inputRequired({
        inputRequests: {
          summary: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: 'Summarize.' } }],
            maxTokens: 20,
          }),
        },
      });
    }
    return `summary: ${sampled.content?.text}`;
  });
  server.tool({ name: 'chatty', description: 'Logs at debug and at warning.' }, async (_args, ctx) => {
    await ctx.debug('quiet');
    await ctx.warn('loud');
    return 'done';
  });
  server.tool({ name: 'slow', description: 'Returns once the test releases it.' }, async () => {
    slow.started?.();
    await slow.release;
    return 'released';
  });
  return server;
}

interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** The Mcp-Session-Id of every request after initialize. */
  sentSessionIds: Array<string | null>;
  logLines: Array<{ level: string; data: unknown }>;
}

/** The SDK v1 client, declaring elicitation and sampling, answering both. */
async function connect(url: URL, token: string): Promise<Connected> {
  const sentSessionIds: Array<string | null> = [];
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      if (!String(init?.body ?? '').includes('"initialize"'))
        sentSessionIds.push(headers.get('mcp-session-id'));
      return fetch(input, init);
    },
  });
  const client = new Client(
    { name: 'sessions-test', version: '1' },
    { capabilities: { elicitation: { form: {} }, sampling: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: 'Ada' } }));
  client.setRequestHandler(CreateMessageRequestSchema, () => ({
    role: 'assistant',
    model: 'test-model',
    content: { type: 'text', text: 'short' },
  }));
  const logLines: Connected['logLines'] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    logLines.push({ level: notification.params.level, data: notification.params.data });
  });
  await client.connect(transport);
  return { client, transport, sentSessionIds, logLines };
}

let nextId = 1;

/** One raw 2025-era POST; the JSON-RPC reply read from a JSON or an SSE body. */
async function post(
  url: URL,
  body: Record<string, unknown>,
  options: { token: string; session?: string },
): Promise<{
  status: number;
  session: string | null;
  reply: { result?: unknown; error?: { code: number } };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...(options.session ? { 'mcp-session-id': options.session } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, ...body }),
  });
  const raw = await response.text();
  const data = response.headers.get('content-type')?.includes('text/event-stream')
    ? raw
        .split('\n')
        .find((line) => line.startsWith('data: ') && line.length > 6)
        ?.slice(6)
    : raw;
  return {
    status: response.status,
    session: response.headers.get('mcp-session-id'),
    reply: JSON.parse(data!),
  };
}

const initialize = (url: URL, token = 'alice') =>
  post(
    url,
    {
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    },
    { token },
  );
const listTools = (url: URL, session: string, token = 'alice') =>
  post(url, { method: 'tools/list', params: {} }, { token, session });

describe('2025-11-25 sessions over Streamable HTTP', () => {
  let url: URL;
  let close: () => Promise<void>;
  let alice: Connected;

  beforeAll(async () => {
    ({ url, close } = await serveOverHttp(sessionServer({ maxSessions: 3 })));
    alice = await connect(url, 'alice');
  });
  afterAll(async () => {
    await alice?.client.close();
    await close?.();
  });

  it('issues a session id at initialize and the client sends it on every later request', async () => {
    const session = alice.transport.sessionId;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    await alice.client.listTools();
    expect(alice.sentSessionIds.length).toBeGreaterThan(0);
    expect(new Set(alice.sentSessionIds)).toEqual(new Set([session]));
  });

  it('answers a plain (non-task) tool call that elicits with what the client answered', async () => {
    const result = await alice.client.callTool({ name: 'greet', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
  });

  it('answers a plain tool call that samples with what the client sampled', async () => {
    const result = await alice.client.callTool({ name: 'summarize', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'summary: short' }]);
  });

  it('keeps the level logging/setLevel set: ctx.log below it is not sent', async () => {
    alice.logLines.length = 0;
    await alice.client.setLoggingLevel('warning');
    const result = await alice.client.callTool({ name: 'chatty', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(alice.logLines).toEqual([{ level: 'warning', data: 'loud' }]);
  });

  it('answers an unknown session id with 404 and a JSON-RPC error', async () => {
    const { status, reply } = await listTools(url, 'not-a-session');
    expect(status).toBe(404);
    expect(reply.error?.code).toBe(-32001);
  });

  it("answers another principal's token on a session like an unknown session, and the session lives on", async () => {
    const session = alice.transport.sessionId!;
    const { status, reply } = await listTools(url, session, 'bob');
    expect(status).toBe(404);
    expect(reply.error?.code).toBe(-32001);
    expect((await listTools(url, session, 'alice')).status).toBe(200);
  });

  it('answers a request without a session id that is not initialize with 400', async () => {
    const { status, reply } = await post(url, { method: 'tools/list', params: {} }, { token: 'alice' });
    expect(status).toBe(400);
    expect(reply.error?.code).toBe(-32000);
  });

  it('refuses an initialize beyond maxSessions with 503, and takes one again once a session ends', async () => {
    const opened = [(await initialize(url)).session!, (await initialize(url)).session!];
    const refused = await initialize(url);
    expect(refused.status).toBe(503);
    expect(refused.reply.error?.code).toBe(-32000);
    const ended = await fetch(url, {
      method: 'DELETE',
      headers: { authorization: 'Bearer alice', 'mcp-session-id': opened[0]! },
    });
    expect(ended.status).toBe(200);
    const admitted = await initialize(url);
    expect(admitted.status).toBe(200);
    for (const session of [opened[1]!, admitted.session!]) {
      await fetch(url, {
        method: 'DELETE',
        headers: { authorization: 'Bearer alice', 'mcp-session-id': session },
      });
    }
  });

  it('ends the session on DELETE: its id answers 404 afterwards', async () => {
    const bob = await connect(url, 'bob');
    const session = bob.transport.sessionId!;
    expect((await listTools(url, session, 'bob')).status).toBe(200);
    await bob.transport.terminateSession();
    expect((await listTools(url, session, 'bob')).status).toBe(404);
    await bob.client.close();
  });
});

describe('2025-11-25 session idle timeout', () => {
  let url: URL;
  let close: () => Promise<void>;
  let release!: () => void;
  let started!: () => void;
  const slow = {
    release: new Promise<void>((resolve) => {
      release = resolve;
    }),
    started: () => started(),
  };
  const slowStarted = new Promise<void>((resolve) => {
    started = resolve;
  });

  beforeAll(async () => {
    ({ url, close } = await serveOverHttp(sessionServer({ idleTimeoutMs: 300, maxSessions: 2 }, slow)));
  });
  afterEach(() => release());
  afterAll(async () => close?.());

  it('closes a session idle longer than idleTimeoutMs, but not one whose call is running', async () => {
    // Raw requests: the SDK client's GET stream would keep its session busy by itself.
    const { session: busy } = await initialize(url);
    const running = post(
      url,
      { method: 'tools/call', params: { name: 'slow', arguments: {} } },
      {
        token: 'alice',
        session: busy!,
      },
    );
    await slowStarted;
    const { session: idle } = await initialize(url, 'bob');
    expect(idle).toBeTruthy();
    // Both slots are taken until the idle session expires; asking for a third must not touch either session.
    expect((await initialize(url)).status).toBe(503);
    await eventually(async () => (await initialize(url)).status === 200);
    expect((await listTools(url, idle!, 'bob')).status).toBe(404);
    release();
    const { status, reply } = await running;
    expect(status).toBe(200);
    expect(text(reply.result as { content: unknown })).toBe('released');
    expect((await listTools(url, busy!)).status).toBe(200);
  });
});

describe('2025-11-25 session of a client that went away', () => {
  let url: URL;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ url, close } = await serveOverHttp(sessionServer({ idleTimeoutMs: 300, maxSessions: 1 })));
  });
  afterAll(async () => close?.());

  it('closes it once idle: its dropped GET stream no longer holds it', async () => {
    const client = await connect(url, 'alice');
    expect((await initialize(url)).status).toBe(503);
    // Closing the SDK client aborts its streams without a DELETE, like a client that vanished.
    await client.client.close();
    // Well under the SDK's 15 s keep-alive, the first write that would reveal the dropped stream otherwise.
    await eventually(async () => (await initialize(url)).status === 200, 5_000);
  });
});

describe('2025-11-25 over HTTP with sessions off (the default)', () => {
  let url: URL;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ url, close } = await serveOverHttp(sessionServer(undefined)));
  });
  afterAll(async () => close?.());

  it('issues no session id and serves a request that carries none', async () => {
    const initialized = await initialize(url);
    expect(initialized.status).toBe(200);
    expect(initialized.session).toBeNull();
    const listed = await post(url, { method: 'tools/list', params: {} }, { token: 'alice' });
    expect(listed.status).toBe(200);
    expect((listed.reply.result as { tools: unknown[] }).tools).toHaveLength(4);
  });
});

describe('sessions option checks', () => {
  it('refuses unknown session settings and non-positive bounds at construction', () => {
    const make = (sessions: unknown) =>
      new TaskMCP({ name: 'checks', version: '1', sessions: sessions as TaskMCPOptions['sessions'] });
    expect(() => make({ idleTimeout: 1000 })).toThrow(/unknown option 'sessions.idleTimeout'/);
    expect(() => make({ maxSessions: 0 })).toThrow(/sessions.maxSessions must be a positive integer/);
    expect(() => make({ idleTimeoutMs: 1.5 })).toThrow(/sessions.idleTimeoutMs must be a positive integer/);
    expect(() => make('yes')).toThrow(/sessions must be an object of options/);
    expect(() => make({ idleTimeoutMs: 60_000, maxSessions: 10 })).not.toThrow();
  });
});

// The 2025-11-25 tasks behaviour holds in sessions too: in-task input and notifications ride the session's streams.
for (const { name, engine } of engineCases) {
  describeLegacyTasks(
    `2025-11-25 tasks over Streamable HTTP in sessions, SDK v1 client (${name} engine)`,
    { authenticates: true, pageSize: 2 },
    async () => {
      const server = createTestServer({
        engine: engine(),
        sessions: true,
        tasks: { listPageSize: 2 },
        auth: { verifier: aliceAndBobVerifier() },
      });
      const { url, close } = await serveOverHttp(server);
      return { connect: (principal) => connectV1Http(url, principal), close };
    },
  );
}
