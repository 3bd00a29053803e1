import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthInfo, ClientCapabilities } from '@modelcontextprotocol/server';

/** Log levels accepted by {@link TaskMCPContext.log}; the MCP/syslog names. */
export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/**
 * Everything a tool, resource or prompt handler may want to know about the invocation it runs in.
 *
 * One object is created per invocation (a foreground `tools/call`, one leg of a task, a `resources/read` or a
 * `prompts/get`) and made ambient through AsyncLocalStorage, so helpers deep in a call stack can read it with
 * {@link getContext} without parameter passing. Nothing here is shared between invocations.
 */
export interface TaskMCPContext {
  /** JSON-RPC id of the request that started the work (for a task: the `tools/call` that created it). */
  readonly requestId: string | number;
  /** Name of the tool being run; empty in a resource or prompt handler. */
  readonly toolName: string;
  /** Set when the handler runs as a background task. */
  readonly taskId?: string;
  /** 1-based attempt number of a task leg (retries increase it); 1 in the foreground. */
  readonly attempt: number;
  /**
   * Fires when the work should stop: the client cancelled (`notifications/cancelled` in the
   * foreground, `tasks/cancel` for a task), the tool's `timeoutMs` elapsed, or the server is shutting down.
   * `signal.reason` says which.
   */
  readonly signal: AbortSignal;
  /**
   * Answers to a previous `inputRequired(...)` result, keyed by the keys the tool chose. In the foreground these
   * are the multi-round-trip `inputResponses`; in a task they are the answers delivered with `tasks/update`.
   */
  readonly inputResponses?: Readonly<Record<string, unknown>>;
  /** Opaque state a previous `inputRequired(...)` round asked to have echoed back. */
  readonly requestState?: string;
  /** The validated access token of the caller, when the transport authenticated one (see also `getAccessToken()`). */
  readonly authInfo?: AuthInfo;
  /** The MCP session the call came in on, when the transport has sessions. */
  readonly sessionId?: string;
  /** W3C trace context of the originating request (`_meta.traceparent` or the `traceparent` header). */
  readonly traceparent?: string;
  /**
   * What the client declared it can do (per request on 2026-07-28, at initialization on 2025-11-25), so a tool asks
   * only for input the client can give. In a task, as declared by the request that created it.
   */
  readonly clientCapabilities?: ClientCapabilities;
  /**
   * Report progress. In the foreground this becomes `notifications/progress` (when the client sent a
   * progress token); in a task it becomes the task's `statusMessage`, visible to every `tasks/get`.
   */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  /** Log a message for this invocation (to the client where the protocol allows it, else to the server log). */
  log(level: LogLevel, message: string, data?: unknown): Promise<void>;
  debug(message: string, data?: unknown): Promise<void>;
  info(message: string, data?: unknown): Promise<void>;
  warn(message: string, data?: unknown): Promise<void>;
  error(message: string, data?: unknown): Promise<void>;
}

/** The parts of a context that differ between the foreground and a task leg. */
export interface ContextSource {
  requestId: string | number;
  toolName: string;
  taskId?: string;
  attempt?: number;
  signal: AbortSignal;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  authInfo?: AuthInfo;
  clientCapabilities?: ClientCapabilities;
  sessionId?: string;
  traceparent?: string;
  /** The HTTP request the call came in on (live, or rebuilt from a task's snapshot); absent on stdio. */
  http?: HttpRequestInfo;
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  log(level: LogLevel, message: string, data?: unknown): Promise<void>;
}

/** What is known of the HTTP request behind an invocation. */
export interface HttpRequestInfo {
  method: string;
  url: string;
  /** Every inbound header, names lowercased. */
  headers: Readonly<Record<string, string>>;
  /** The live request, in the foreground only. */
  request?: Request;
}

const storage = new AsyncLocalStorage<TaskMCPContext>();
/** HTTP details per context, kept off the public context object (they include credentials). */
const httpInfo = new WeakMap<TaskMCPContext, HttpRequestInfo>();

/** The HTTP request behind `context`, if the call came over HTTP. */
export function httpInfoOf(context: TaskMCPContext): HttpRequestInfo | undefined {
  return httpInfo.get(context);
}

export function createContext(source: ContextSource): TaskMCPContext {
  const log = source.log;
  const context: TaskMCPContext = Object.freeze({
    requestId: source.requestId,
    toolName: source.toolName,
    taskId: source.taskId,
    attempt: source.attempt ?? 1,
    signal: source.signal,
    inputResponses: source.inputResponses,
    requestState: source.requestState,
    authInfo: source.authInfo,
    clientCapabilities: source.clientCapabilities,
    sessionId: source.sessionId,
    traceparent: source.traceparent,
    reportProgress: source.reportProgress,
    log,
    debug: (message: string, data?: unknown) => log('debug', message, data),
    info: (message: string, data?: unknown) => log('info', message, data),
    warn: (message: string, data?: unknown) => log('warning', message, data),
    error: (message: string, data?: unknown) => log('error', message, data),
  });
  if (source.http) httpInfo.set(context, Object.freeze({ ...source.http }));
  return context;
}

/** Run `fn` with `context` as the ambient context of everything it calls. */
export function runWithContext<T>(context: TaskMCPContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The context of the invocation the caller runs in: a tool call or task leg, a resource read or a prompt get.
 *
 * @throws Error when called outside a handler (there is no invocation to describe).
 */
export function getContext(): TaskMCPContext {
  const context = storage.getStore();
  if (!context) {
    throw new Error(
      'getContext() was called outside an invocation: call it from a tool, resource or prompt handler (or middleware), or from code it calls.',
    );
  }
  return context;
}

/** Like {@link getContext}, but `undefined` outside an invocation. */
export function currentContext(): TaskMCPContext | undefined {
  return storage.getStore();
}
