/**
 * Sessions for the 2025-11-25 era over Streamable HTTP, wired the way the SDK documents it (`isLegacyRequest` in
 * front of a `legacy: 'reject'` handler): each session is one sessionful `WebStandardStreamableHTTPServerTransport`
 * connected to one long-lived SDK server, the unit stdio uses. So a 2025-11-25 client over HTTP can be asked for
 * input in a plain tool call, keeps its `logging/setLevel`, and gets notifications on its GET stream, as over stdio.
 *
 * A session lives in the memory of the front end that opened it. On a distributed engine several front ends share
 * them without sticky routing: a request for a session held elsewhere is relayed to its owner through the engine
 * (session-forwarding.ts). Their SSE streams are resumable (resumable-streams.ts): the events are kept in the
 * engine's session event log, so a client whose stream dropped reconnects with `Last-Event-ID` and gets what it
 * missed. A plain tool call may be answered by the era's lean path instead of the transport (`SessionShortcut`).
 */
import {
  type AuthInfo,
  isInitializeRequest,
  type McpServer,
  type RequestId,
} from '@modelcontextprotocol/server';
import { principalOf } from '../auth/principal.js';
import type { SnapshotCodec } from '../context/encryption.js';
import type { TaskEngine } from '../tasks/engine.js';
import type { SessionEventLog } from '../tasks/session-events.js';
import type { LeanSession, SessionShortcut } from '../wire/era.js';
import { jsonRpcErrorResponse } from '../wire/json-body.js';
import { onServerClose } from '../wire/sdk-gaps/index.js';
import type { ServerLogger } from './logger.js';
import { RESUMABLE_DEFAULTS, SessionEventStore } from './resumable-streams.js';
import { SessionForwarding } from './session-forwarding.js';
import { SESSION_DEFAULTS, type SessionOptions } from './session-options.js';
import { type OpenPost, requestIds, SessionTransport, untilEnded } from './session-streams.js';

/**
 * What sessions keep on the engine, sealed with the server's snapshot codec: their stream events, and (distributed
 * engine) who holds them and the requests relayed between front ends.
 */
export interface SessionEngineSetup {
  engine: Pick<TaskEngine, 'sessionEvents' | 'sessionRelay'>;
  codec: SnapshotCodec;
}

/** The SDK's code for an unknown session (its transport answers it too); -32000 is the generic server error. */
const SESSION_NOT_FOUND = -32001;
const SERVER_ERROR = -32000;

interface Session {
  readonly id: string;
  /** What the session's lean answers need of it. */
  readonly lean: LeanSession;
  readonly transport: SessionTransport;
  readonly server: McpServer;
  /** The principal that opened it; nobody else may use it. */
  readonly principal: string;
  /** Its stream events, when streams are resumable. */
  readonly events?: SessionEventStore;
  /** Requests being answered plus response streams still open. */
  streams: number;
  /** The open POST streams, by the JSON-RPC ids of the requests each one answers. */
  readonly posts: Map<RequestId, OpenPost>;
  idle?: ReturnType<typeof setTimeout>;
}

export class HttpSessions {
  private readonly open = new Map<string, Session>();
  /** Initializations under way hold a slot too, so concurrent ones cannot overshoot the cap. */
  private opening = 0;
  private closed = false;
  private readonly settings: typeof SESSION_DEFAULTS;
  private readonly events?: { log: SessionEventLog; codec: SnapshotCodec; retryMs: number };
  /** Ended sessions' events being dropped; closing waits for them (the engine closes next). */
  private readonly dropping = new Set<Promise<void>>();
  /** Relays requests for sessions another front end holds; only on a distributed engine. */
  private readonly forwarding?: SessionForwarding;

  constructor(
    private readonly build: () => McpServer,
    options: SessionOptions,
    private readonly log: ServerLogger,
    events: SessionEngineSetup,
    /** The era's lean answers to requests of a session, tried ahead of its transport. */
    private readonly shortcut?: SessionShortcut,
  ) {
    const { resumable = true, ...bounds } = options;
    this.settings = { ...SESSION_DEFAULTS, ...bounds };
    if (resumable) {
      const { retryMs, ...kept } = { ...RESUMABLE_DEFAULTS, ...(resumable === true ? {} : resumable) };
      this.events = { log: events.engine.sessionEvents(kept), codec: events.codec, retryMs };
    }
    const relay = events.engine.sessionRelay();
    if (relay) {
      const serveHeld = this.serveHeld.bind(this);
      this.forwarding = new SessionForwarding(relay, events.codec, log, serveHeld, () => [
        ...this.open.keys(),
      ]);
    }
  }

  /**
   * Answer one 2025-era HTTP request (`isLegacyRequest` said so, which also bounded its body), authenticated as
   * `authInfo` when auth is on; `parsedBody` is the body when the caller has already read it.
   */
  async handle(request: Request, options: { authInfo?: AuthInfo; parsedBody?: unknown }): Promise<Response> {
    const { authInfo, parsedBody } = options;
    if (this.closed) return jsonRpcErrorResponse(503, SERVER_ERROR, 'The server is shutting down.');
    const id = request.headers.get('mcp-session-id');
    if (id === null) return this.initialize(request, authInfo, parsedBody);
    if (this.forwarding && !this.open.has(id)) return this.forwarding.forward(id, request, options);
    return this.serveHeld(id, request, options);
  }

  /** Close every session (the server is closing). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.open.values()].map((session) => this.end(session, 'the server closed')));
    await this.forwarding?.close();
    await Promise.all(this.dropping);
  }

  /** Answer a request for a session held here, whichever front end received it (and authenticated it). */
  private async serveHeld(
    id: string,
    request: Request,
    options: { authInfo?: AuthInfo; parsedBody?: unknown },
  ): Promise<Response> {
    if (this.closed) return jsonRpcErrorResponse(503, SERVER_ERROR, 'The server is shutting down.');
    const { authInfo, parsedBody } = options;
    const session = this.open.get(id);
    // Someone else's session answers like an unknown one: a leaked id neither works nor confirms it exists.
    if (!session || session.principal !== principalOf(authInfo)) {
      return jsonRpcErrorResponse(404, SESSION_NOT_FOUND, 'Session not found');
    }
    const ids = request.method === 'POST' ? requestIds(parsedBody) : undefined;
    if (ids && this.shortcut && !Array.isArray(parsedBody)) {
      return this.shortcutFirst(this.shortcut, session, ids, request, { authInfo, parsedBody });
    }
    if (ids) return this.posted(session, ids, request, { authInfo, parsedBody });
    return this.tracked(session, request.signal, () =>
      session.transport.handleRequest(request, { authInfo, parsedBody }),
    );
  }

  /**
   * A POST of requests (every tool call), counted busy until each is answered or the client goes away; then its
   * stream is closed at once, as `tracked` cancels one, so the client can resume it while the call still runs. Its
   * SSE stream goes out as the transport made it: the transport closes it when it sends the last response, which
   * `SessionTransport.answered` reports. Wrapping it as `tracked` does (a second web stream, `Response` and pull
   * per call) cost about 7 % of the CPU of a sessionful tool call.
   */
  private async posted(
    session: Session,
    ids: RequestId[],
    request: Request,
    options: { authInfo?: AuthInfo; parsedBody?: unknown },
  ): Promise<Response> {
    this.hold(session);
    const { signal } = request;
    const post: OpenPost = {
      waiting: new Set(ids),
      ended: false,
      signal,
      onDisconnect: () => {
        // Closing one request's stream closes the POST's (a batch shares one).
        for (const id of post.waiting) session.transport.closeSSEStream(id);
        this.settle(session, post);
      },
    };
    // Before the transport sees them: a quick tool may answer before handleRequest returns.
    for (const id of ids) session.posts.set(id, post);
    let response: Response;
    try {
      response = await session.transport.handleRequest(request, options);
    } catch (error) {
      this.settle(session, post);
      throw error;
    }
    // Anything but an SSE stream (an error answer) leaves nothing open.
    if (response.status !== 200 || !response.body) this.settle(session, post);
    else if (!post.ended) {
      if (signal.aborted) post.onDisconnect();
      else signal.addEventListener('abort', post.onDisconnect, { once: true });
    }
    return response;
  }

  /**
   * A POST of one request, answered by the era's lean path when it takes it, else by the transport (`posted`). The
   * session counts busy while the lean path runs the call.
   */
  private async shortcutFirst(
    shortcut: SessionShortcut,
    session: Session,
    ids: RequestId[],
    request: Request,
    options: { authInfo?: AuthInfo; parsedBody?: unknown },
  ): Promise<Response> {
    this.hold(session);
    try {
      const viaTransport = () => this.posted(session, ids, request, options);
      const answered = await shortcut(
        request,
        options.parsedBody,
        options.authInfo,
        session.lean,
        viaTransport,
      );
      return answered ?? (await viaTransport());
    } finally {
      this.release(session);
    }
  }

  /** The transport sent the response to `id`. */
  private answered(session: Session, id: RequestId): void {
    const post = session.posts.get(id);
    if (!post) return;
    session.posts.delete(id);
    post.waiting.delete(id);
    if (post.waiting.size === 0) this.settle(session, post);
  }

  /** The POST's stream ended (answered, refused, or its client went away): it no longer holds the session. */
  private settle(session: Session, post: OpenPost): void {
    if (post.ended) return;
    post.ended = true;
    for (const id of post.waiting) if (session.posts.get(id) === post) session.posts.delete(id);
    post.waiting.clear();
    post.signal.removeEventListener('abort', post.onDisconnect);
    this.release(session);
  }

  private async initialize(
    request: Request,
    authInfo: AuthInfo | undefined,
    parsedBody: unknown,
  ): Promise<Response> {
    const body = parsedBody ?? (request.method === 'POST' ? await readJson(request) : undefined);
    if (!isInitializeRequest(body)) {
      return jsonRpcErrorResponse(
        400,
        SERVER_ERROR,
        'Bad Request: Mcp-Session-Id header is required; open a session with initialize first',
      );
    }
    if (this.open.size + this.opening >= this.settings.maxSessions) {
      this.log('warning', `2025-11-25 session refused: ${this.settings.maxSessions} sessions are open`);
      return jsonRpcErrorResponse(
        503,
        SERVER_ERROR,
        `Too many open sessions (${this.settings.maxSessions}); try again later.`,
        (body as { id?: unknown }).id,
      );
    }
    this.opening++;
    try {
      const server = this.build();
      let session: Session | undefined;
      // 122 random bits: the id is the session's only capability when auth is off. Known before the transport
      // exists, so its event store can be the session's.
      const sessionId = crypto.randomUUID();
      const events =
        this.events && new SessionEventStore(this.events.log, sessionId, this.events.codec, this.log);
      const transport = new SessionTransport({
        sessionIdGenerator: () => sessionId,
        eventStore: events,
        retryInterval: events && this.events?.retryMs,
        onsessioninitialized: (id) => {
          session = {
            id,
            lean: { id, server, events: events && { store: events, retryMs: this.events!.retryMs } },
            transport,
            server,
            principal: principalOf(authInfo),
            events,
            streams: 0,
            posts: new Map(),
          };
          this.open.set(id, session);
        },
        onsessionclosed: (id) => {
          this.forget(id);
        },
      });
      transport.answered = (id) => {
        if (session) this.answered(session, id);
      };
      onServerClose(server, () => {
        if (session) this.forget(session.id);
      });
      await server.connect(transport);
      // Closing the server also forgets the session, should it fail after the transport opened one.
      const response = await transport
        .handleRequest(request, { authInfo, parsedBody: body })
        .catch(async (error: unknown) => {
          await server.close();
          throw error;
        });
      if (!session) {
        await server.close();
        return response;
      }
      // Findable by every front end before the client learns the id (its next request may reach any of them).
      await this.forwarding?.claim(session.id).catch(async (error: unknown) => {
        await server.close();
        throw error;
      });
      return this.tracked(session, request.signal, async () => response);
    } finally {
      this.opening--;
    }
  }

  /**
   * Count `respond`'s response as busy until its body (an SSE stream, often) ends or the client disconnects
   * (`signal`); then the idle clock runs. For what `posted` does not take: GET streams (live or resumed), DELETE,
   * POSTs without a request, and the answer to `initialize`.
   */
  private async tracked(
    session: Session,
    signal: AbortSignal,
    respond: () => Promise<Response>,
  ): Promise<Response> {
    this.hold(session);
    let response: Response;
    try {
      response = await respond();
    } catch (error) {
      this.release(session);
      throw error;
    }
    if (!response.body) {
      this.release(session);
      return response;
    }
    return new Response(
      untilEnded(response.body, signal, () => this.release(session)),
      response,
    );
  }

  /** The session is busy (a request or response stream open): it cannot go idle until as many releases follow. */
  private hold(session: Session): void {
    session.streams++;
    clearTimeout(session.idle);
  }

  private release(session: Session): void {
    session.streams--;
    if (session.streams > 0 || this.open.get(session.id) !== session) return;
    session.idle = setTimeout(
      () => void this.end(session, `idle for ${this.settings.idleTimeoutMs} ms`),
      this.settings.idleTimeoutMs,
    );
    // An idle session must not keep the process alive (Node timers have unref; other runtimes need none).
    (session.idle as { unref?: () => void }).unref?.();
  }

  private async end(session: Session, why: string): Promise<void> {
    if (!this.forget(session.id)) return;
    this.log('debug', `2025-11-25 session closed: ${why}`);
    await session.server
      .close()
      .catch((error: Error) => this.log('debug', `session close: ${error.message}`));
  }

  /** Drop a session from the table; whether it was there. */
  private forget(id: string): boolean {
    const session = this.open.get(id);
    if (!session) return false;
    clearTimeout(session.idle);
    this.open.delete(id);
    for (const post of session.posts.values()) post.signal.removeEventListener('abort', post.onDisconnect);
    if (session.events) this.drop('events', session.events.forget());
    if (this.forwarding) this.drop('directory entry', this.forwarding.release(id));
    return true;
  }

  /** Track an ended session's cleanup on the engine; closing waits for it. */
  private drop(what: string, work: Promise<void>): void {
    const dropped = work
      .catch((error: Error) => this.log('warning', `dropping the ${what} of a session: ${error.message}`))
      .finally(() => this.dropping.delete(dropped));
    this.dropping.add(dropped);
  }
}

/** The body as JSON, or `undefined` when it is not JSON; the request stays readable (a clone is read). */
async function readJson(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.clone().text());
  } catch {
    return undefined;
  }
}
