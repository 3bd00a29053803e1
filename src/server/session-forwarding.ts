/**
 * 2025-11-25 sessions shared by several front ends on one distributed engine, with no sticky load balancer. A session
 * is an SDK server and transport in one process, its owner, so a request for it that reaches another front end is
 * relayed: the receiving front end (which has authenticated it) looks the owner up in the engine's session directory
 * and sends the request over the owner's channel; the owner answers it as its own (the session is bound to its
 * creator's principal, so a foreign principal gets the same 404 as an unknown id) and streams the response back,
 * head, then body chunks, then the end. SSE streams (a tool call's, the GET stream) are relayed as they are written.
 *
 * Why through the engine rather than HTTP between front ends: front ends need no address of their own nor a way to
 * reach each other, and the forwarded identity stays inside the same trusted store as the tasks (messages are sealed
 * with `tasks.encryptionKey` like task snapshots). Every wait is bounded: an owner that is gone answers nothing
 * (the relay says at once that nobody listens) or too late, and the session is then forgotten and answered 404, so
 * the client initializes again; a relayed stream with no traffic, not even the owner's pings, is ended (the client
 * resumes it with `Last-Event-ID`, reaching 404 if the owner died); a reader slower than its stream loses it.
 */
import { randomUUID } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { SnapshotCodec } from '../context/encryption.js';
import type { SessionRelay } from '../tasks/session-relay.js';
import { jsonRpcErrorResponse } from '../wire/json-body.js';
import type { ServerLogger } from './logger.js';

/** How a held session's request is answered: by the sessions table, exactly as one that arrived here. */
export type ServeHeld = (
  sessionId: string,
  request: Request,
  options: { authInfo?: AuthInfo; parsedBody?: unknown },
) => Promise<Response>;

/** A directory entry lives this long unless its owner refreshes it (every third of it): a crashed owner's lapse. */
const CLAIM_TTL_MS = 60_000;
/** The owner's answer must start within this; longer and the owner is taken for gone. */
const HEAD_TIMEOUT_MS = 10_000;
/** An open relayed stream carries a ping this often when quiet; one silent three times as long is ended. */
const PING_MS = 5_000;
/** Body text per message, so one large SSE event does not make one huge pub/sub message. */
const CHUNK_CHARS = 64 * 1024;
/** Bytes a relayed response may hold for a client that reads slower than the owner writes. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Requests relayed at once, each way. */
const MAX_RELAYED = 1_000;
/** Request headers the owner's transport reads; credentials stay at the front end that checked them. */
const FORWARDED_HEADERS = [
  'accept',
  'content-type',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
];
/** Response headers that describe the original framing, not the relayed one. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

type RelayMessage =
  | {
      type: 'request';
      id: string;
      from: string;
      sessionId: string;
      method: string;
      url: string;
      headers: Record<string, string>;
      body?: string;
      authInfo?: AuthInfo;
    }
  | { type: 'head'; id: string; status: number; headers: Record<string, string> }
  | { type: 'chunk'; id: string; text: string }
  | { type: 'ping'; id: string }
  | { type: 'end'; id: string; error?: string }
  | { type: 'cancel'; id: string };

/** A request this front end relayed, waiting for its answer. */
interface Relayed {
  owner: string;
  sessionId: string;
  /** The client's request went away. */
  disconnected: AbortSignal;
  /** Settled by the owner's head (then `response` is set), or rejected when the relay gave up. */
  head: Promise<void>;
  resolveHead(): void;
  rejectHead(error: Error): void;
  response?: Response;
  body?: ReadableStreamDefaultController<Uint8Array>;
  silence?: ReturnType<typeof setTimeout>;
}

export class SessionForwarding {
  /** This front end, as the directory names it. */
  readonly id = randomUUID();
  private readonly relayed = new Map<string, Relayed>();
  /** Requests from other front ends this one is answering, by relay id, to stop one when its requester cancels. */
  private readonly serving = new Map<string, AbortController>();
  private listening?: Promise<() => Promise<void>>;
  private refresher?: ReturnType<typeof setInterval>;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly relay: SessionRelay,
    private readonly codec: SnapshotCodec,
    private readonly log: ServerLogger,
    private readonly serveHeld: ServeHeld,
    /** The ids of the sessions this front end holds, to keep their claims fresh. */
    private readonly held: () => string[],
  ) {}

  /** Claim a session this front end just opened; resolves once other front ends can find it. */
  async claim(sessionId: string): Promise<void> {
    await this.listen();
    await this.relay.claim(sessionId, this.id, CLAIM_TTL_MS);
  }

  release(sessionId: string): Promise<void> {
    return this.relay.release(sessionId);
  }

  /** Answer a request for a session this front end does not hold, by its owner if there is one, else 404. */
  async forward(
    sessionId: string,
    request: Request,
    options: { authInfo?: AuthInfo; parsedBody?: unknown },
  ): Promise<Response> {
    const owner = await this.relay.ownerOf(sessionId);
    // Our own id here is a claim this front end no longer backs (the session ended while the entry was written).
    if (owner === null || owner === this.id) return sessionNotFound();
    if (this.relayed.size >= MAX_RELAYED) {
      return jsonRpcErrorResponse(
        503,
        -32000,
        `Too many requests relayed to other front ends (${MAX_RELAYED}); try again later.`,
      );
    }
    await this.listen();
    const id = randomUUID();
    const entry = relayedEntry(owner, sessionId, request.signal);
    this.relayed.set(id, entry);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const body = options.parsedBody === undefined ? undefined : JSON.stringify(options.parsedBody);
    const sent = await this.send(owner, {
      type: 'request',
      id,
      from: this.id,
      sessionId,
      method: request.method,
      url: request.url,
      headers,
      body,
      authInfo: options.authInfo,
    });
    const timer = setTimeout(() => entry.rejectHead(new Error('timeout')), HEAD_TIMEOUT_MS);
    try {
      if (!sent) throw new Error('nobody listens on its channel');
      await entry.head;
      return entry.response!;
    } catch (error) {
      this.relayed.delete(id);
      if (sent) void this.send(owner, { type: 'cancel', id });
      this.log(
        'info',
        `2025-11-25 session ${sessionId}: its front end ${owner} did not answer (${(error as Error).message}); forgotten`,
      );
      await this.relay.release(sessionId).catch(() => {});
      return sessionNotFound();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stop relaying: end every relayed answer, stop listening and refreshing. */
  async close(): Promise<void> {
    clearInterval(this.refresher);
    for (const [id, entry] of this.relayed) this.settle(id, entry, 'this front end is closing');
    for (const controller of this.serving.values()) controller.abort();
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await (await listening.catch(() => async () => {}))();
  }

  private listen(): Promise<() => Promise<void>> {
    if (!this.listening) {
      this.listening = this.relay.listen(this.id, (message) => this.receive(message));
      this.refresher = setInterval(() => {
        this.relay.refresh(this.held(), CLAIM_TTL_MS).catch((error: Error) => {
          this.log('warning', `refreshing this front end's 2025-11-25 session claims: ${error.message}`);
        });
      }, CLAIM_TTL_MS / 3);
      (this.refresher as { unref?: () => void }).unref?.();
    }
    return this.listening;
  }

  private receive(sealed: string): void {
    let message: RelayMessage;
    try {
      message = JSON.parse(this.codec.decode(associatedData(this.id), sealed)) as RelayMessage;
    } catch (error) {
      this.log('warning', `a relayed session message could not be read: ${(error as Error).message}`);
      return;
    }
    if (message.type === 'request') void this.answer(message);
    else if (message.type === 'cancel') this.serving.get(message.id)?.abort();
    else this.onAnswer(message);
  }

  /** A message about a request this front end relayed. */
  private onAnswer(message: Exclude<RelayMessage, { type: 'request' | 'cancel' }>): void {
    const entry = this.relayed.get(message.id);
    if (!entry) return;
    if (message.type === 'head') {
      // Made here, not where the head is awaited: the chunks that follow may be delivered before that resumes.
      entry.response = new Response(this.relayedBody(message.id, entry), message);
      entry.resolveHead();
      return;
    }
    this.heard(message.id, entry);
    if (message.type === 'chunk') {
      const body = entry.body;
      if (!body) return;
      body.enqueue(this.encoder.encode(message.text));
      if ((body.desiredSize ?? 0) < 0) {
        this.settle(
          message.id,
          entry,
          `the client read slower than the stream (${MAX_BUFFERED_BYTES} bytes behind)`,
        );
      }
    } else if (message.type === 'end') {
      this.relayed.delete(message.id);
      clearTimeout(entry.silence);
      if (message.error) entry.body?.error(new Error(message.error));
      else entry.body?.close();
    }
  }

  /** The relayed answer's body: chunks as they come; ends with the owner's end, a cancel, or silence. */
  private relayedBody(id: string, entry: Relayed): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          entry.body = controller;
          this.heard(id, entry);
          entry.disconnected.addEventListener('abort', () => this.settle(id, entry), { once: true });
        },
        cancel: () => this.settle(id, entry),
      },
      { highWaterMark: MAX_BUFFERED_BYTES, size: (chunk) => chunk.byteLength },
    );
  }

  private heard(id: string, entry: Relayed): void {
    clearTimeout(entry.silence);
    entry.silence = setTimeout(
      () => this.settle(id, entry, `front end ${entry.owner} sent nothing for ${3 * PING_MS} ms`),
      3 * PING_MS,
    );
    (entry.silence as { unref?: () => void }).unref?.();
  }

  /** Stop waiting for a relayed answer: the owner is told to stop; an error, when given, ends the client's stream. */
  private settle(id: string, entry: Relayed, error?: string): void {
    if (!this.relayed.delete(id)) return;
    clearTimeout(entry.silence);
    void this.send(entry.owner, { type: 'cancel', id });
    if (error) this.log('info', `relayed 2025-11-25 session ${entry.sessionId} stream ended: ${error}`);
    try {
      if (error) entry.body?.error(new Error(error));
      else entry.body?.close();
    } catch {
      // Already closed by its reader.
    }
    entry.rejectHead(new Error(error ?? 'cancelled'));
  }

  /** Answer another front end's request for a session held here, streaming the response back. */
  private async answer(message: Extract<RelayMessage, { type: 'request' }>): Promise<void> {
    const { id, from } = message;
    if (this.serving.size >= MAX_RELAYED) {
      await this.send(from, { type: 'head', id, status: 503, headers: {} });
      await this.send(from, { type: 'end', id });
      return;
    }
    const abort = new AbortController();
    this.serving.set(id, abort);
    let ping: ReturnType<typeof setInterval> | undefined;
    try {
      const { authInfo } = message;
      if (authInfo && typeof authInfo.resource === 'string') authInfo.resource = new URL(authInfo.resource);
      const request = new Request(message.url, {
        method: message.method,
        headers: message.headers,
        body: message.body,
        signal: abort.signal,
      });
      const parsedBody = message.body === undefined ? undefined : JSON.parse(message.body);
      const response = await this.serveHeld(message.sessionId, request, { authInfo, parsedBody });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!FRAMING_HEADERS.has(name)) headers[name] = value;
      });
      const reader = response.body?.getReader();
      const stop = () => void reader?.cancel().catch(() => {});
      abort.signal.addEventListener('abort', stop, { once: true });
      if (!(await this.send(from, { type: 'head', id, status: response.status, headers })))
        return abort.abort();
      if (!reader) return void (await this.send(from, { type: 'end', id }));
      ping = setInterval(() => {
        void this.send(from, { type: 'ping', id }).then((heard) => heard || abort.abort());
      }, PING_MS);
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await reader.read();
        const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
        for (let at = 0; at < text.length; at += CHUNK_CHARS) {
          const part = text.slice(at, at + CHUNK_CHARS);
          if (!(await this.send(from, { type: 'chunk', id, text: part }))) return abort.abort();
        }
        if (chunk.done) break;
      }
      await this.send(from, { type: 'end', id });
    } catch (error) {
      if (!abort.signal.aborted) {
        this.log(
          'warning',
          `answering a relayed request of session ${message.sessionId}: ${(error as Error).message}`,
        );
        await this.send(from, { type: 'end', id, error: 'the session front end failed' }).catch(() => {});
      }
    } finally {
      clearInterval(ping);
      this.serving.delete(id);
    }
  }

  /** Whether a listener got it; a failed send counts as not delivered (the caller's bounds take over). */
  private async send(frontEnd: string, message: RelayMessage): Promise<boolean> {
    const sealed = this.codec.encode(associatedData(frontEnd), JSON.stringify(message));
    return this.relay.send(frontEnd, sealed).catch((error: Error) => {
      this.log('warning', `relaying a 2025-11-25 session message to front end ${frontEnd}: ${error.message}`);
      return false;
    });
  }
}

function relayedEntry(owner: string, sessionId: string, disconnected: AbortSignal): Relayed {
  let resolveHead!: () => void;
  let rejectHead!: (error: Error) => void;
  const head = new Promise<void>((resolve, reject) => {
    resolveHead = resolve;
    rejectHead = reject;
  });
  head.catch(() => {}); // a relay given up after its head was awaited elsewhere is not an unhandled rejection
  return { owner, sessionId, disconnected, head, resolveHead, rejectHead };
}

/** Relay messages are bound to the front end they are for. */
function associatedData(frontEnd: string): string {
  return `session-relay:${frontEnd}`;
}

/** The SDK's code for an unknown session (its transport answers it too). */
function sessionNotFound(): Response {
  return Response.json(
    { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } },
    { status: 404 },
  );
}
