/**
 * The MCP endpoint's node:http adapter (src/wire/sdk-gaps/node-json-handler.ts) against the SDK's `toNodeHandler`:
 * the same raw HTTP requests, sent to the same TaskMCP server behind each adapter, must get the same bytes back
 * (status line, headers but the date, body and its framing), for plain calls on both eras, stateless and with
 * sessions, and for hostile or unusual requests (bad or empty JSON, other content types, a BOM, split or invalid
 * UTF-8, a declared or streamed body over the bound, batches, other methods). Plain JSON calls must actually reach the
 * server parsed and without a body stream, or the comparison proves nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { DEFAULT_MAX_REQUEST_BODY_SIZE, type McpHandlerRequestOptions } from '@modelcontextprotocol/server';
import { TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toNodeJsonHandler } from '../../src/wire/sdk-gaps/node-json-handler.js';
import { LEGACY, MODERN, TASKS } from '../helpers.js';

/** Raw request bytes: a head, then the body as one or more chunks written separately. */
interface Raw {
  label: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Array<string | Buffer>;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Server> {
  const server = createServer((req, res) => void handler(req, res));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Send `raw` on a fresh connection and return every byte of the answer, the Date header taken out. */
function send(server: Server, raw: Raw): Promise<string> {
  const { port } = server.address() as AddressInfo;
  const parts = (raw.body ?? []).map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    accept: 'application/json, text/event-stream',
    ...(raw.body &&
      (raw.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) })),
    ...raw.headers,
  };
  const head = `${raw.method ?? 'POST'} /mcp HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (data) => {
      received.push(data);
      // The SDK keeps SSE answers' connections alive: stop reading once the answer is complete.
      if (isComplete(Buffer.concat(received).toString('latin1'))) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(normalised(Buffer.concat(received).toString('latin1'))));
    socket.write(head);
    const write = async () => {
      for (const part of parts) {
        socket.write(
          raw.chunked
            ? Buffer.concat([Buffer.from(`${part.byteLength.toString(16)}\r\n`), part, Buffer.from('\r\n')])
            : part,
        );
        await new Promise((settle) => setTimeout(settle, 1)); // separate reads on the server side
      }
      if (raw.chunked) socket.write('0\r\n\r\n');
    };
    void write();
  });
}

/** Whether `answer` holds a whole HTTP response: headers, then its Content-Length or the last chunk. */
function isComplete(answer: string): boolean {
  const end = answer.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = answer.slice(0, end);
  if (/\r\ntransfer-encoding: chunked/i.test(head)) return answer.endsWith('\r\n0\r\n\r\n');
  const length = /\r\ncontent-length: (\d+)/i.exec(head);
  return length ? answer.length - end - 4 >= Number(length[1]) : false;
}

/** The answer without what differs on every exchange: the Date header, session, event and task ids (fresh UUIDs), times. */
function normalised(answer: string): string {
  return answer
    .replace(/\r\ndate: [^\r]*/i, '')
    .replace(/"taskId":"[^"]+"/g, '"taskId":"<task>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}

const json = { 'content-type': 'application/json' };
const modernHeaders = (method: string, name?: string) => ({
  ...json,
  'mcp-protocol-version': MODERN,
  'mcp-method': method,
  ...(name && { 'mcp-name': name }),
});
const envelope = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'adapter-diff', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const modernCall = JSON.stringify({
  jsonrpc: '2.0',
  id: 3,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: 'héllo ✓' }, _meta: envelope },
});
const legacyCall = JSON.stringify({
  jsonrpc: '2.0',
  id: 'a',
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: 'héllo ✓' } },
});
const modernTaskCall = JSON.stringify({
  jsonrpc: '2.0',
  id: 5,
  method: 'tools/call',
  params: {
    name: 'later',
    arguments: { text: 'héllo ✓' },
    _meta: { ...envelope, 'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS]: {} } } },
  },
});
const legacyTaskCall = JSON.stringify({
  jsonrpc: '2.0',
  id: 'b',
  method: 'tools/call',
  params: { name: 'later', arguments: { text: 'héllo ✓' }, task: {} },
});
const legacyInit = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'adapter-diff', version: '1' } },
});
const legacyHeaders = { ...json, 'mcp-protocol-version': LEGACY };

describe.each([
  { name: 'stateless', sessions: false },
  { name: 'sessions', sessions: true },
])('node:http adapter of the MCP endpoint against the SDK adapter ($name)', ({ sessions }) => {
  let mcp: TaskMCP;
  let ours: Server;
  let sdk: Server;
  const seen: Array<{ parsed: boolean; bodyStream: boolean }> = [];

  beforeAll(async () => {
    mcp = new TaskMCP({ name: 'adapter-diff', version: '1.0.0', logger: () => {}, sessions });
    mcp.tool({ name: 'echo', input: z.object({ text: z.string() }) }, ({ text }) => text);
    mcp.tool({ name: 'later', input: z.object({ text: z.string() }), task: true }, ({ text }) => text);
    const fetch = (request: Request, options?: McpHandlerRequestOptions) => {
      seen.push({ parsed: options?.parsedBody !== undefined, bodyStream: request.body !== null });
      return mcp.fetch(request, options);
    };
    ours = await listen(toNodeJsonHandler(fetch));
    sdk = await listen(toNodeHandler({ fetch }));
  });

  afterAll(async () => {
    for (const server of [ours, sdk]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    await mcp?.close();
  });

  async function compare(raw: Raw): Promise<string> {
    const mine = await send(ours, raw);
    const theirs = await send(sdk, raw);
    expect(mine, raw.label).toBe(theirs);
    return mine;
  }

  it('answers plain calls as the SDK adapter does, handing the server a parsed body and no body stream', async () => {
    const plain: Raw[] = [
      { label: '2026-07-28 tools/call', headers: modernHeaders('tools/call', 'echo'), body: [modernCall] },
      {
        label: '2026-07-28 tools/list',
        headers: modernHeaders('tools/list'),
        body: [JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: { _meta: envelope } })],
      },
      { label: '2025-11-25 initialize', headers: legacyHeaders, body: [legacyInit] },
    ];
    if (!sessions) plain.push({ label: '2025-11-25 tools/call', headers: legacyHeaders, body: [legacyCall] });
    // Task creation takes the lean path (its answer a TextResponse, written in one piece by our adapter).
    plain.push({
      label: '2026-07-28 task call',
      headers: modernHeaders('tools/call', 'later'),
      body: [modernTaskCall],
    });
    if (!sessions) {
      plain.push({ label: '2025-11-25 task call', headers: legacyHeaders, body: [legacyTaskCall] });
    }
    for (const raw of plain) {
      seen.length = 0;
      const answer = await compare(raw);
      expect(answer, raw.label).toMatch(/^HTTP\/1\.1 200 /);
      expect(seen[0], `${raw.label}: ours`).toEqual({ parsed: true, bodyStream: false });
      if (raw.label.includes('task call')) expect(answer, raw.label).toContain('"taskId":"<task>"');
    }
  });

  it('gives every unusual or hostile request the SDK adapter answer', async () => {
    const bound = DEFAULT_MAX_REQUEST_BODY_SIZE;
    const call = Buffer.from(modernCall);
    const cut = call.indexOf(Buffer.from('✓')) + 1; // inside the three bytes of one character
    const cases: Raw[] = [
      {
        label: 'malformed JSON',
        headers: modernHeaders('tools/call', 'echo'),
        body: ['{"jsonrpc": "2.0", '],
      },
      { label: 'empty body', headers: modernHeaders('tools/call', 'echo'), body: [''] },
      { label: 'no body at all', headers: modernHeaders('tools/call', 'echo') },
      {
        label: 'text/plain',
        headers: { ...modernHeaders('tools/call', 'echo'), 'content-type': 'text/plain' },
        body: [modernCall],
      },
      { label: 'no content type', headers: { 'mcp-protocol-version': MODERN }, body: [modernCall] },
      {
        label: 'json with charset',
        headers: {
          ...modernHeaders('tools/call', 'echo'),
          'content-type': 'application/json; charset=utf-8',
        },
        body: [modernCall],
      },
      { label: 'leading BOM', headers: modernHeaders('tools/call', 'echo'), body: [`\uFEFF${modernCall}`] },
      {
        label: 'character split across reads',
        headers: modernHeaders('tools/call', 'echo'),
        body: [call.subarray(0, cut), call.subarray(cut)],
      },
      {
        label: 'chunked body',
        headers: modernHeaders('tools/call', 'echo'),
        body: [call.subarray(0, 20), call.subarray(20)],
        chunked: true,
      },
      {
        label: 'invalid UTF-8',
        headers: modernHeaders('tools/call', 'echo'),
        body: [Buffer.concat([call.subarray(0, cut - 1), Buffer.from([0xff]), call.subarray(cut + 2)])],
      },
      { label: 'JSON null', headers: modernHeaders('tools/call', 'echo'), body: ['null'] },
      { label: 'JSON string', headers: modernHeaders('tools/call', 'echo'), body: ['"tools/call"'] },
      { label: 'batch', headers: legacyHeaders, body: [`[${legacyInit}]`] },
      { label: 'empty batch', headers: legacyHeaders, body: ['[]'] },
      {
        label: 'notification',
        headers: legacyHeaders,
        body: [JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })],
      },
      { label: 'header says another method', headers: modernHeaders('tools/list'), body: [modernCall] },
      {
        label: 'declared length over the bound',
        headers: { ...modernHeaders('tools/call', 'echo'), 'content-length': String(bound + 1) },
      },
      {
        label: 'chunked body over the bound',
        headers: modernHeaders('tools/call', 'echo'),
        body: ['x'.repeat(bound / 2), 'x'.repeat(bound / 2 + 1)],
        chunked: true,
      },
      {
        label: 'GET',
        method: 'GET',
        headers: { accept: 'text/event-stream', 'mcp-protocol-version': LEGACY },
      },
      { label: 'DELETE without a session', method: 'DELETE', headers: legacyHeaders },
      { label: 'PUT', method: 'PUT', headers: legacyHeaders, body: [legacyCall] },
    ];
    for (const raw of cases) await compare(raw);
  });
});

describe('the request signal of the node:http adapter', () => {
  it('aborts when the client goes away, whether it was read before or only after', async () => {
    const seen: Array<{ early?: boolean; late: boolean; fired: boolean }> = [];
    let closed: () => void = () => {};
    const handler = toNodeJsonHandler(async (request) => {
      const early = request.headers.get('x-read') === 'early' ? request.signal : undefined;
      let fired = false;
      early?.addEventListener('abort', () => {
        fired = true;
      });
      await new Promise<void>((resolve) => {
        closed = resolve;
      });
      seen.push({ early: early?.aborted, late: request.signal.aborted, fired });
      return new Response(null, { status: 204 });
    });
    // Registered before the adapter's own listener: the adapter has aborted by the time the handler goes on.
    const server = await listen((req, res) => {
      res.on('close', () => closed());
      return handler(req, res);
    });
    try {
      for (const read of ['early', 'late']) {
        const { port } = server.address() as AddressInfo;
        const socket = connect(port, '127.0.0.1');
        const body = modernCall;
        socket.write(
          `POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-read: ${read}\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        await new Promise((settle) => setTimeout(settle, 50));
        socket.destroy();
        await new Promise((settle) => setTimeout(settle, 50));
      }
      expect(seen).toEqual([
        { early: true, late: true, fired: true },
        { early: undefined, late: true, fired: false },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
