/**
 * Where an MCP request over HTTP goes, in order: authentication; the body, read and parsed once; the lean
 * 2026-07-28 `tasks/get` path; the lean task-creating `tools/call` path (2026-07-28, and 2025-11-25 when served
 * statelessly); 2025-11-25 traffic to its sessions (when on) or, stateless, the lean `tasks/get` and
 * ended-task `tasks/result` path and a client's answer to a task's input request; task listens; and everything else
 * to the SDK's handler. The SDK handler and the sessions are made on the first request, once the server has started.
 */
import {
  createMcpHandler,
  isLegacyRequest,
  type McpHandlerRequestOptions,
  type McpHttpHandler,
  requireBearerAuth,
} from '@modelcontextprotocol/server';
import type { SnapshotCodec } from '../context/encryption.js';
import type { TaskEngine } from '../tasks/engine.js';
import { acceptInputAnswer } from '../wire/legacy/index.js';
import { LegacyTaskFastPath } from '../wire/sdk-gaps/legacy-task-fast-path.js';
import { TaskCreateFastPath } from '../wire/sdk-gaps/task-create-fast-path.js';
import { TaskGetFastPath } from '../wire/sdk-gaps/task-get-fast-path.js';
import type { ServerLogger } from './logger.js';
import type { TaskMCPOptions } from './options.js';
import { readRequestBody } from './request-body.js';
import { buildSdkServer, leanTaskCalls, type ServerInternals } from './sdk-server.js';
import { LegacySessions } from './sessions.js';
import type { TaskListens } from './task-listen.js';

export interface HttpDispatchDeps {
  options: Pick<TaskMCPOptions, 'auth' | 'sessions'>;
  /** The started server (starting it on the first call). */
  internals(): Promise<ServerInternals>;
  /** The started server's engine (2025-11-25 session streams keep their events on it). */
  engine(): TaskEngine;
  taskListens: TaskListens;
  snapshots: SnapshotCodec;
  log: ServerLogger;
}

export class HttpDispatch {
  private handler?: McpHttpHandler;
  /** 2025-11-25 sessions over HTTP; absent when the `sessions` option turns them off (stateless serving). */
  private sessions?: LegacySessions;
  /** Answers plain 2026-07-28 `tasks/get` polls without the SDK handler (see task-get-fast-path.ts). */
  private taskGets?: TaskGetFastPath;
  /** Creates tasks for plain task-augmented `tools/call`s without the SDK handler (see task-create-fast-path.ts). */
  private taskCreates?: TaskCreateFastPath;
  /** Answers plain stateless 2025-11-25 `tasks/get` and ended-task `tasks/result` (see legacy-task-fast-path.ts). */
  private legacyTaskReads?: LegacyTaskFastPath;

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
    const internals = await deps.internals();
    this.taskGets ??= new TaskGetFastPath(internals);
    const polled = await this.taskGets.answer(read.request, parsedBody, authInfo);
    if (polled) return polled;
    this.taskCreates ??= new TaskCreateFastPath({
      ...internals,
      calls: leanTaskCalls(internals),
      legacy: !this.sessions,
    });
    const created = await this.taskCreates.answer(read.request, parsedBody, authInfo);
    if (created) return created;
    const passed = { ...options, authInfo, parsedBody };
    if (this.sessions) {
      if (await isLegacyRequest(read.request, parsedBody)) return this.sessions.handle(read.request, passed);
    } else {
      this.legacyTaskReads ??= new LegacyTaskFastPath(internals);
      const taskRead = await this.legacyTaskReads.answer(read.request, parsedBody, authInfo);
      if (taskRead) return taskRead;
      // A 2025-11-25 client's answer to a task's input request: no SDK server is waiting for it (stateless serving).
      const { tasks } = internals;
      const answered = await acceptInputAnswer(read.request, parsedBody, authInfo, tasks, deps.log);
      if (answered) return answered;
    }
    return deps.taskListens.handle(read.request, parsedBody, authInfo, (sdkRequest) =>
      handler.fetch(sdkRequest, passed),
    );
  }

  async close(): Promise<void> {
    await this.sessions?.close();
    await this.handler?.close();
  }

  private async sdkHandler(): Promise<McpHttpHandler> {
    if (this.handler) return this.handler;
    const { deps } = this;
    const internals = await deps.internals();
    const { sessions = false } = deps.options;
    if (sessions && !this.sessions) {
      const build = () => buildSdkServer(internals, 'legacy', 'connection');
      const events = { engine: deps.engine(), codec: deps.snapshots };
      this.sessions = new LegacySessions(build, sessions === true ? {} : sessions, deps.log, events);
    }
    // With sessions, 2025-11-25 traffic never reaches this handler (fetch routes it with isLegacyRequest).
    this.handler ??= createMcpHandler(
      ({ era, requestInfo }) => {
        deps.taskListens.gate.admit(era, requestInfo);
        return buildSdkServer(internals, era);
      },
      {
        legacy: sessions ? 'reject' : 'stateless',
        onerror: (error) => deps.log('debug', `http: ${error.message}`),
      },
    );
    return this.handler;
  }
}
