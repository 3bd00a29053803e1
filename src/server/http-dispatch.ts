/**
 * Where an MCP request over HTTP goes, in order: authentication; the body, read and parsed once; each served era's
 * lean answers (`WireEra.statelessShortcuts`: polls and tool calls without a per-request SDK server, and the like);
 * the requests of an era whose clients keep sessions, to their session (when the `sessions` option is on; its plain
 * tool calls have lean answers too); task listens; and everything else to the SDK's handler. A call a lean path
 * started and hands on is taken over by the SDK server that answers its request (`takeStarted`). Nothing here names
 * an era: wire/eras.ts lists them. The SDK handler, the shortcuts and the sessions are made on the first request,
 * once the server has started.
 */
import {
  createMcpHandler,
  type McpHandlerRequestOptions,
  type McpHttpHandler,
  requireBearerAuth,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { SnapshotCodec } from '../context/encryption.js';
import type { TaskEngine } from '../tasks/engine.js';
import type {
  HttpPorts,
  HttpShortcut,
  LeanToolCalls,
  SessionShortcut,
  StartedToolCall,
  WireEra,
} from '../wire/era.js';
import { ERAS, servedEras } from '../wire/eras.js';
import type { ServerLogger } from './logger.js';
import type { TaskMCPOptions } from './options.js';
import { readRequestBody } from './request-body.js';
import { buildSdkServer, leanToolCalls, type ServerInternals } from './sdk-server.js';
import { HttpSessions } from './sessions.js';
import type { TaskListens } from './task-listen.js';

export interface HttpDispatchDeps {
  options: Pick<TaskMCPOptions, 'auth' | 'sessions'>;
  /** The started server (starting it on the first call). */
  internals(): Promise<ServerInternals>;
  /** The started server's engine (session streams keep their events on it). */
  engine(): TaskEngine;
  taskListens: TaskListens;
  snapshots: SnapshotCodec;
  log: ServerLogger;
}

/** The era served over HTTP sessions when they are on, and its sessions. */
interface SessionServing {
  owns: NonNullable<WireEra['httpSessions']>['owns'];
  sessions: HttpSessions;
}

export class HttpDispatch {
  private handler?: McpHttpHandler;
  /** Absent when the `sessions` option is off (every era served statelessly). */
  private sessionful?: SessionServing;
  private shortcuts?: HttpShortcut[];
  private calls?: LeanToolCalls;
  /** Calls the lean path started, by request, for the SDK server that answers it (see `HttpPorts.handOver`). */
  private readonly started = new WeakMap<Request, StartedToolCall>();
  /**
   * The started call of the request an SDK server handles, taken once (a call the SDK re-runs with input answers then
   * runs). The SDK's context carries the very request it was given: the body comes parsed, so it makes no copy.
   */
  private readonly takeStarted = (ctx: ServerContext): StartedToolCall | undefined => {
    const request = ctx.http?.req;
    const call = request && this.started.get(request);
    if (call) this.started.delete(request);
    return call;
  };

  constructor(private readonly deps: HttpDispatchDeps) {}

  async fetch(request: Request, options: McpHandlerRequestOptions = {}): Promise<Response> {
    const { deps } = this;
    const handler = await this.sdkHandler();
    let authInfo = options.authInfo;
    if (deps.options.auth && !authInfo) {
      const verified = await requireBearerAuth(deps.options.auth)(request);
      if (verified instanceof Response) return verified;
      authInfo = verified;
    }
    // Read and parse a POST body once, for everything below and the SDK (see request-body.ts).
    const read = await readRequestBody(request, options.parsedBody);
    if ('response' in read) return read.response;
    const { parsedBody } = read;
    this.shortcuts ??= await this.statelessShortcuts();
    for (const shortcut of this.shortcuts) {
      const answered = await shortcut(read.request, parsedBody, authInfo);
      if (answered) return answered;
    }
    const passed = { ...options, authInfo, parsedBody };
    const { sessionful } = this;
    if (sessionful && (await sessionful.owns(read.request, parsedBody))) {
      return sessionful.sessions.handle(read.request, passed);
    }
    return deps.taskListens.handle(read.request, parsedBody, authInfo, (sdkRequest) =>
      handler.fetch(sdkRequest, passed),
    );
  }

  async close(): Promise<void> {
    await this.sessionful?.sessions.close();
    await this.handler?.close();
  }

  /** The lean answers of every era served statelessly, in the order wire/eras.ts lists the eras. */
  private async statelessShortcuts(): Promise<HttpShortcut[]> {
    const internals = await this.deps.internals();
    const ports: HttpPorts = { ...internals, calls: this.leanCalls(internals), handOver: this.handOver };
    return Object.values(ERAS)
      .filter((era) => !(this.sessionful && era.httpSessions))
      .flatMap((era) => era.statelessShortcuts(ports));
  }

  /** The server's own `tools/call` dispatch for the lean paths, made once. */
  private leanCalls(internals: ServerInternals): LeanToolCalls {
    this.calls ??= leanToolCalls(internals);
    return this.calls;
  }

  private readonly handOver: HttpPorts['handOver'] = async (request, parsedBody, authInfo, call) => {
    const handler = await this.sdkHandler();
    this.started.set(request, call);
    return handler.fetch(request, { authInfo, parsedBody });
  };

  private async sdkHandler(): Promise<McpHttpHandler> {
    if (this.handler) return this.handler;
    const { deps } = this;
    const internals = await deps.internals();
    const { sessions = false } = deps.options;
    const sessionEra = sessions ? servedEras().find((era) => ERAS[era]?.httpSessions) : undefined;
    if (sessions && sessionEra && !this.sessionful) {
      const build = () => buildSdkServer(internals, sessionEra, 'connection', this.takeStarted);
      const events = { engine: deps.engine(), codec: deps.snapshots };
      const served = ERAS[sessionEra]!.httpSessions!;
      const shortcut = served.shortcut({ shutdown: internals.shutdown, calls: this.leanCalls(internals) });
      const lean: SessionShortcut = (request, body, authInfo, session, sdk) =>
        shortcut(request, body, authInfo, session, (call) => {
          this.started.set(request, call);
          return sdk(call);
        });
      this.sessionful = {
        owns: served.owns,
        sessions: new HttpSessions(build, sessions === true ? {} : sessions, deps.log, events, lean),
      };
    }
    this.handler ??= createMcpHandler(
      ({ era, requestInfo }) => {
        deps.taskListens.admit(era, requestInfo);
        return buildSdkServer(internals, era, 'request', this.takeStarted);
      },
      {
        // The SDK's switch for the 2025-11-25 era: served statelessly here unless its requests go to sessions
        // (fetch routes them there first) or it is not served at all.
        legacy: ERAS.legacy && sessionEra !== 'legacy' ? 'stateless' : 'reject',
        onerror: (error) => deps.log('debug', `http: ${error.message}`),
      },
    );
    return this.handler;
  }
}
