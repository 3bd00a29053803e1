/**
 * Resumable SSE streams of 2025-11-25 sessions, over real HTTP with raw requests on both engines: a POST stream
 * (a tool's progress and its response) and the GET stream (resource updates) are dropped mid-way, then resumed
 * with `Last-Event-ID`; the client gets what it missed exactly once, in order. Also the SEP-1699 priming event, a
 * resume from an event the bounds dropped, and `resumable: false`.
 */
import { Redis } from 'ioredis';
import { TaskMCP, type TaskMCPOptions } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases } from '../engines.js';
import { eventually, serveOverHttp } from '../helpers.js';
import { REDIS_URL, TEST_PREFIX } from '../redis.js';

interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

/** Reads SSE events off a response body, one at a time. */
class SseReader {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = '';

  constructor(response: Response) {
    this.reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event (comments such as keep-alives skipped), or `undefined` once the stream ended. */
  async next(): Promise<SseEvent | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event: SseEvent = { data: '' };
        let fields = 0;
        for (const line of block.split('\n')) {
          const [name, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (name === 'id') event.id = value;
          else if (name === 'retry') event.retry = Number(value);
          else if (name === 'data') event.data = value;
          else continue;
          fields++;
        }
        if (fields > 0) return event;
        continue;
      }
      const chunk = await this.reader.read();
      if (chunk.done) return undefined;
      this.buffer += chunk.value;
    }
  }

  /** The next event that carries a message (the priming event carries none). */
  async nextMessage(): Promise<{ id?: string; message: Record<string, unknown> }> {
    for (;;) {
      const event = await this.next();
      if (!event) throw new Error('The stream ended before the next message.');
      if (event.data.trim() !== '') return { id: event.id, message: JSON.parse(event.data) };
    }
  }
}

let nextId = 1;

class RawSession {
  id = '';
  constructor(private readonly url: URL) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2025-11-25',
      ...(this.id ? { 'mcp-session-id': this.id } : {}),
      ...extra,
    };
  }

  post(body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
    return fetch(this.url, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ jsonrpc: '2.0', ...body }),
      signal,
    });
  }

  /** A request and its response message, read off its SSE stream. */
  async call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = nextId++;
    const response = await this.post({ id, method, params });
    expect(response.status).toBe(200);
    const reader = new SseReader(response);
    for (;;) {
      const { message } = await reader.nextMessage();
      if (message.id === id) return message;
    }
  }

  async initialize(): Promise<SseEvent[]> {
    const response = await this.post({
      id: nextId++,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    this.id = response.headers.get('mcp-session-id')!;
    const reader = new SseReader(response);
    const events: SseEvent[] = [];
    for (let event = await reader.next(); event; event = await reader.next()) events.push(event);
    await this.post({ method: 'notifications/initialized' });
    return events;
  }

  /** `GET`, resuming after `lastEventId` when given; retried while the server has not yet noticed the drop (409). */
  async get(signal: AbortSignal, lastEventId?: string): Promise<Response> {
    const headers = this.headers({
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    });
    return eventually(async () => {
      const response = await fetch(this.url, { method: 'GET', headers, signal });
      if (response.status !== 409) return response;
      await response.body?.cancel();
      return undefined;
    });
  }
}

function resumableServer(engine: TaskMCPOptions['tasks'], sessions: TaskMCPOptions['sessions']) {
  const server = new TaskMCP({ name: 'resumable', version: '1', logger: () => {}, sessions, tasks: engine });
  for (const name of ['r1', 'r2', 'r3', 'r4']) {
    server.resource(name, `data://${name}`, { mimeType: 'text/plain' }, (uri) => ({
      contents: [{ uri: uri.href, text: name }],
    }));
  }
  return server;
}

const updated = (uri: string) => ({
  jsonrpc: '2.0',
  method: 'notifications/resources/updated',
  params: { uri },
});

for (const { name, engine } of engineCases) {
  describe(`resumable 2025-11-25 session streams (${name})`, () => {
    let server: TaskMCP;
    let url: URL;
    let close: () => Promise<void>;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let letGo: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });

    beforeAll(async () => {
      server = resumableServer({ engine: engine() }, true);
      server.tool(
        { name: 'steps', description: 'Progress 1, then 2 and 3 once released.' },
        async (_args, ctx) => {
          await ctx.reportProgress(1, 3);
          await released;
          await ctx.reportProgress(2, 3);
          await ctx.reportProgress(3, 3);
          return 'done';
        },
      );
      server.tool(
        { name: 'held', description: 'Progress 1, then the answer once let go.' },
        async (_args, ctx) => {
          await ctx.reportProgress(1, 2);
          await held;
          return 'let go';
        },
      );
      ({ url, close } = await serveOverHttp(server));
    });

    afterAll(() => close?.());

    it('opens a POST stream with a priming event: an id, the retry field and no data', async () => {
      const session = new RawSession(url);
      const [priming, response] = await session.initialize();
      expect(priming).toEqual({ id: expect.stringMatching(/.+/), retry: 1000, data: '' });
      expect(response!.id).toMatch(/.+/);
      expect(JSON.parse(response!.data)).toMatchObject({ result: { protocolVersion: '2025-11-25' } });
    });

    /** A session's call to `tool` whose POST stream the client drops after its first progress event. */
    const dropAfterFirstProgress = async (tool: string) => {
      const session = new RawSession(url);
      await session.initialize();
      const dropped = new AbortController();
      const id = nextId++;
      const params = { name: tool, arguments: {}, _meta: { progressToken: tool } };
      const response = await session.post({ id, method: 'tools/call', params }, dropped.signal);
      const first = await new SseReader(response).nextMessage();
      expect(first.message).toMatchObject({ method: 'notifications/progress', params: { progress: 1 } });
      dropped.abort();
      return { session, id, first };
    };

    it('replays what a dropped POST stream missed (progress, the response) once, in order', async () => {
      const { session, id, first } = await dropAfterFirstProgress('steps');
      release();

      const resumed = new AbortController();
      const reader = new SseReader(await session.get(resumed.signal, first.id));
      const seen: Array<{ id?: string; message: Record<string, unknown> }> = [];
      for (let event = await reader.next(); event; event = await reader.next()) {
        if (event.data !== '') seen.push({ id: event.id, message: JSON.parse(event.data) });
      }
      expect(seen.map(({ message }) => message)).toEqual([
        expect.objectContaining({
          method: 'notifications/progress',
          params: expect.objectContaining({ progress: 2 }),
        }),
        expect.objectContaining({
          method: 'notifications/progress',
          params: expect.objectContaining({ progress: 3 }),
        }),
        expect.objectContaining({
          id,
          result: expect.objectContaining({ content: [{ type: 'text', text: 'done' }] }),
        }),
      ]);
      const ids = [first.id, ...seen.map((event) => event.id)];
      expect(new Set(ids).size).toBe(4);
    });

    it('resumes a POST stream dropped while its call runs at once, not after the next keep-alive write', async () => {
      const { session, id, first } = await dropAfterFirstProgress('held');
      // The call is still running: until the server lets the dropped stream go, a resume answers 409. It must let
      // go when the client disconnects, not when the SDK's 15 s keep-alive write reveals the drop: 10 s tells the two
      // apart with room for a loaded machine (the disconnect takes milliseconds).
      const headers = session.headers({ accept: 'text/event-stream', 'last-event-id': first.id! });
      const resumed = await eventually(async () => {
        const answer = await fetch(url, { method: 'GET', headers });
        if (answer.status !== 409) return answer;
        await answer.body?.cancel();
        return undefined;
      }, 10_000);
      expect(resumed.status).toBe(200);
      letGo();
      const reader = new SseReader(resumed);
      const answer = await reader.nextMessage();
      expect(answer.message).toMatchObject({ id, result: { content: [{ type: 'text', text: 'let go' }] } });
    });

    it('replays what the dropped GET stream missed once, in order, then carries on live', async () => {
      const session = new RawSession(url);
      await session.initialize();
      for (const uri of ['data://r1', 'data://r2', 'data://r3', 'data://r4']) {
        await session.call('resources/subscribe', { uri });
      }
      const dropped = new AbortController();
      const before = new SseReader(await session.get(dropped.signal));
      await server.notifyResourceUpdated('data://r1');
      const first = await before.nextMessage();
      expect(first.message).toEqual(updated('data://r1'));
      dropped.abort();
      await server.notifyResourceUpdated('data://r2');
      await server.notifyResourceUpdated('data://r3');

      const resumed = new AbortController();
      const after = new SseReader(await session.get(resumed.signal, first.id));
      const replayed = [await after.nextMessage(), await after.nextMessage()];
      await server.notifyResourceUpdated('data://r4');
      const live = await after.nextMessage();
      expect([...replayed, live].map(({ message }) => message)).toEqual([
        updated('data://r2'),
        updated('data://r3'),
        updated('data://r4'),
      ]);
      expect(new Set([first.id, ...replayed.map((event) => event.id), live.id]).size).toBe(4);
      resumed.abort();

      if (server.engine.kind === 'redis') {
        // The events are in Redis under the engine's prefix, and go with the session.
        const redis = new Redis(REDIS_URL);
        try {
          const pattern = `${TEST_PREFIX}:*:sse:${session.id}:*`;
          expect((await redis.keys(pattern)).length).toBeGreaterThan(0);
          await fetch(url, { method: 'DELETE', headers: session.headers() });
          await eventually(async () => (await redis.keys(pattern)).length === 0);
        } finally {
          redis.disconnect();
        }
      }
    });
  });
}

describe('resumable stream bounds and opting out (memory)', () => {
  let bounded: TaskMCP;
  let plain: TaskMCP;
  let boundedUrl: URL;
  let plainUrl: URL;

  beforeAll(async () => {
    bounded = resumableServer(undefined, { resumable: { maxEventsPerStream: 2, retryMs: 250 } });
    plain = resumableServer(undefined, { resumable: false });
    boundedUrl = (await serveOverHttp(bounded)).url;
    plainUrl = (await serveOverHttp(plain)).url;
  });

  afterAll(async () => {
    await bounded?.close();
    await plain?.close();
  });

  it('refuses to resume from an event dropped by maxEventsPerStream instead of replaying with a hole', async () => {
    const session = new RawSession(boundedUrl);
    const [priming] = await session.initialize();
    expect(priming!.retry).toBe(250);
    await session.call('resources/subscribe', { uri: 'data://r1' });
    const dropped = new AbortController();
    const before = new SseReader(await session.get(dropped.signal));
    await bounded.notifyResourceUpdated('data://r1');
    const first = await before.nextMessage();
    dropped.abort();
    for (let index = 0; index < 2; index++) await bounded.notifyResourceUpdated('data://r1');
    const response = await session.get(new AbortController().signal, first.id);
    expect(response.status).toBe(500);
    await response.body?.cancel();
  });

  it('sends no event ids and no priming event with resumable: false', async () => {
    const session = new RawSession(plainUrl);
    const events = await session.initialize();
    expect(events).toHaveLength(1);
    expect(events[0]!.id).toBeUndefined();
  });

  it('refuses unknown or non-positive resumable settings at construction', () => {
    const make = (resumable: unknown) =>
      new TaskMCP({ name: 'checks', version: '1', sessions: { resumable } as TaskMCPOptions['sessions'] });
    expect(() => make({ maxEvents: 5 })).toThrow(/unknown option 'sessions.resumable.maxEvents'/);
    expect(() => make({ maxEventsPerStream: 0 })).toThrow(
      /sessions.resumable.maxEventsPerStream must be a positive/,
    );
    expect(() => make({ retentionMs: 1.5 })).toThrow(
      /sessions.resumable.retentionMs must be a positive integer/,
    );
    expect(() => make({ retryMs: -1 })).toThrow(/sessions.resumable.retryMs must be a positive integer/);
    expect(() => make('yes')).toThrow(/sessions.resumable must be an object of options/);
    expect(() => make({ maxEventsPerStream: 50, retentionMs: 60_000, retryMs: 500 })).not.toThrow();
  });
});
