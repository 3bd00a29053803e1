/**
 * One protocol era of the tasks wire, and the ports it needs from the server. Each `wire/<era>/` folder implements
 * {@link WireEra}; the server picks one by the version the client negotiated (see eras.ts) and calls it wherever the
 * eras differ, so the server itself never asks which era it is serving.
 *
 * The wire depends on nothing of the server's: what it needs (task operations, a logger, what a task is created
 * for) is declared here, and the server implements it (`TaskService` is a {@link TaskOperations}). Dependencies then
 * point one way, down from the server to the wire to the task engine.
 */
import type {
  AuthInfo,
  CallToolRequest,
  CallToolResult,
  ClientCapabilities,
  EventStore,
  InputRequiredResult,
  McpServer,
  RegisteredTool,
  ServerCapabilities,
  ServerContext,
} from '@modelcontextprotocol/server';
import type { CallerDetails } from '../context/capture.js';
import type { LogLevel } from '../context/context.js';
import type { TaskMode } from '../protocol.js';
import type { TaskPage } from '../tasks/listing.js';
import type { TaskLogRecord } from '../tasks/seams.js';
import type { RetryPolicy, TaskRecord } from '../tasks/types.js';

/** Where the wire reports what it cannot tell the client (a relay that stopped, an answer it could not deliver). */
export type WireLogger = (level: LogLevel, message: string, data?: unknown) => void;

/** A target's task settings, every default applied. */
export interface TaskSettings {
  mode: TaskMode;
  ttlMs: number;
  pollIntervalMs: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** How long a creation may wait for the task to end or ask for input before answering (see `create`). */
  immediateResultMs?: number;
}

/**
 * What a task is created for: the name it is filed under (a tool's, or `resource:<name>` / `prompt:<name>` on the
 * 2025-11-25 era), the version recorded with it, and its task settings. A registered tool is one as it is.
 */
export interface TaskTarget {
  name: string;
  config: { version?: string };
  task: TaskSettings;
}

/** Who asks for a task: the request's caller details, plus what the task keeps of the creating request. */
export interface TaskCaller extends CallerDetails {
  requestId: string | number;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  /** The creating request's progress token, kept for the task's life (2025-11-25 era). */
  progressToken?: string | number;
}

/**
 * The era-neutral task operations the wire translates requests into. Every lookup is bound to the caller: a foreign
 * task id fails exactly like an unknown one (the task-not-found error).
 */
export interface TaskOperations {
  /**
   * Create a task; resolves once `tasks/get` from any front end would find it. `ttlMs` is the retention the client
   * asked for; `beforeQueued` runs once the id is known, before the first leg can run. With the target's
   * `immediateResultMs`, resolves with the task's record as it stands once it has ended or asks for input, or once
   * that time is up (then usually still `working`).
   */
  create(
    target: TaskTarget,
    args: { raw: Record<string, unknown>; parsed: unknown },
    caller: TaskCaller,
    ttlMs?: number,
    options?: { beforeQueued?: (taskId: string) => Promise<void> },
  ): Promise<TaskRecord>;
  find(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord>;
  cancel(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord>;
  /** Deliver the client's answers to the task's input requests. */
  answer(
    taskId: string,
    responses: Record<string, unknown>,
    authInfo: AuthInfo | undefined,
  ): Promise<TaskRecord>;
  /** One page of the caller's own tasks. */
  list(authInfo: AuthInfo | undefined, cursor: string | undefined): Promise<TaskPage>;
  /** Every record the task goes through from now on (best effort: re-read the task for the truth). */
  watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void>;
  /** The log records the task's handler sends from now on (not bound to a caller: pass ids the caller owns). */
  watchLogs(taskId: string, listener: (record: TaskLogRecord) => void): Promise<() => void>;
}

/** What the wire is given to serve with. */
export interface EraPorts {
  tasks: TaskOperations;
  log: WireLogger;
}

/**
 * What one SDK server instance serves: a `connection` lives as long as the client's connection (stdio, or a
 * 2025-11-25 HTTP session) and can notify at any time; a `request` instance answers one HTTP request.
 */
export type ServingUnit = 'connection' | 'request';

export type Route = 'foreground' | 'task';

/** What a request may run as a task of: a tool, resource or prompt by its name in messages, and its task mode. */
export interface Routable {
  name: string;
  task: { mode: TaskMode };
}

export interface WireEra {
  /** The protocol revision this era speaks. */
  readonly version: string;
  /** The server capabilities that announce this era's tasks. */
  readonly capabilities: ServerCapabilities;
  /**
   * Whether listed tools, resources and prompts carry their task mode on this era's own wire (2025-11-25
   * `execution.taskSupport`, and the `_meta` mode of resources and prompts, which can only run as tasks there).
   */
  readonly listsTaskMode: boolean;
  /**
   * Whether the server must check an ask's input requests against the client's declared capabilities itself: on
   * 2025-11-25 they go out as requests, which the SDK checks.
   */
  readonly checksInputCapabilities: boolean;
  /** Put the tool's task mode in what `tools/list` sends, where the era has a field for it. */
  listTool(registered: RegisteredTool, mode: TaskMode): void;
  /** Install the era's task methods on one SDK server (after its tools are registered). */
  serve(server: McpServer, ports: EraPorts, unit: ServingUnit): ServedEra;
  /**
   * The era's `tools/call` handling for one stateless HTTP request answered without an SDK server (the lean path,
   * wire/sdk-gaps/tool-call-fast-path.ts): what `serve` gives a `request` unit, built from the same code, with nothing
   * of a server's state.
   */
  requestToolCalls(ports: EraPorts): ServedEra;
  /**
   * The era's lean HTTP answers, tried in order ahead of the SDK's per-request handler for a request served
   * statelessly (wire/sdk-gaps/*-fast-path.ts and the like). Not asked for when its clients keep HTTP sessions.
   */
  statelessShortcuts(ports: HttpPorts): HttpShortcut[];
  /**
   * Present on an era whose clients may keep a session over HTTP (`Mcp-Session-Id`, 2025-11-25): with the server's
   * `sessions` option on, every request it owns goes to its session's long-lived SDK server instead.
   */
  readonly httpSessions?: {
    owns(request: Request, body: unknown): Promise<boolean>;
    /** The era's lean answers to requests of a session held here, tried ahead of the session's transport. */
    shortcut(ports: Pick<HttpPorts, 'calls' | 'shutdown'>): SessionShortcut;
  };
  /**
   * Present on an era whose clients may ask for pushed task notifications (2026-07-28 `subscriptions/listen` naming
   * `taskIds`): the server finds it by walking the served eras, so it hosts the subscriptions without naming an era.
   */
  readonly taskListen?: TaskListenWire;
}

/**
 * One lean HTTP answer: the response to `request` (its body parsed once, the caller authenticated) when it takes
 * it, else `undefined` and the request goes on to the next shortcut and finally the SDK's handler.
 */
export type HttpShortcut = (
  request: Request,
  body: unknown,
  authInfo: AuthInfo | undefined,
) => Promise<Response | undefined>;

/**
 * One lean answer to a request of a session held here: the response when it takes it, else `undefined` and the
 * session's transport answers. `sdk` hands the request to the transport, whose server takes over `call`.
 */
export type SessionShortcut = (
  request: Request,
  body: unknown,
  authInfo: AuthInfo | undefined,
  session: LeanSession,
  sdk: (call: StartedToolCall) => Promise<Response>,
) => Promise<Response | undefined>;

/** A 2025-11-25 HTTP session held here, as its lean answers need it. */
export interface LeanSession {
  id: string;
  /** Its long-lived SDK server. */
  server: McpServer;
  /** Its event store, when its streams are resumable, with the `retry` its priming events suggest. */
  events?: { store: EventStore; retryMs: number };
}

/** What an era's HTTP shortcuts are given. */
export interface HttpPorts extends EraPorts {
  /** The server identity the SDK stamps on results (the object given to `new McpServer`). */
  info: { name: string; version: string; title?: string };
  /** Aborted when the server closes: from then on the SDK's handler answers (it refuses requests once closed). */
  shutdown: AbortSignal;
  /** The server's own `tools/call` dispatch, for calls answered without an SDK server. */
  calls: LeanToolCalls;
  /**
   * The SDK handler's answer to `request` (its body parsed, its caller authenticated), whose `tools/call` the lean
   * path has already started: the SDK takes the call over (see {@link StartedToolCall}) instead of running it, and
   * answers exactly as if it had run it itself.
   */
  handOver(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
    call: StartedToolCall,
  ): Promise<Response>;
}

/** How one `tools/call` dispatch ended: the result it returned, or what it threw. */
export type ToolCallOutcome =
  | { kind: 'returned'; result: CallToolResult | InputRequiredResult }
  | { kind: 'threw'; error: unknown };

/** A `tools/call` the lean path started, for the SDK to take over: to encode its outcome, and to carry its messages. */
export interface StartedToolCall {
  readonly outcome: Promise<ToolCallOutcome>;
  /** From now on the call's log messages go through the SDK's context for its request (those held so far first). */
  adopt(ctx: ServerContext): void;
}

/** The server's `tools/call` dispatch, as the lean path needs it (server/sdk-server.ts `leanToolCalls`). */
export interface LeanToolCalls {
  /** Whether calls to this tool may be taken: a known tool, no preflight, no `x-mcp-header` in its schema. */
  takes(name: string): boolean;
  /**
   * Validate and route the call as an SDK server of `era` does (nothing run, stored or traced): its route and the
   * rest of its dispatch, or `undefined` when the SDK would answer it without running anything (an era error,
   * invalid arguments). `server` is the long-lived SDK server of the call's session, if it has one: the call is
   * then handled as that server handles it (the client capabilities of the session, say).
   */
  admit(
    era: WireEra,
    params: CallToolRequest['params'],
    ctx: ServerContext,
    server?: McpServer,
  ): Promise<{ route: Route; run(): Promise<CallToolResult | InputRequiredResult> } | undefined>;
}

/** The era as installed on one SDK server: what its `tools/call` handling asks of it. */
export interface ServedEra {
  /** What the client declared it can do (per request on 2026-07-28, once at initialization on 2025-11-25). */
  clientCapabilities(ctx: ServerContext): ClientCapabilities | undefined;
  /** Foreground or task for one `tools/call`; throws the era's error when the tool's mode allows neither. */
  routeToolCall(tool: Routable, params: CallToolRequest['params'], ctx: ServerContext): Route;
  /** Create the task of a `tools/call` routed to one, and answer with the era's task-creation result. */
  createToolTask(
    tool: TaskTarget,
    args: { raw: Record<string, unknown>; parsed: unknown },
    caller: TaskCaller,
    params: CallToolRequest['params'],
    ctx: ServerContext,
  ): Promise<CallToolResult>;
  /** Present where `resources/read` and `prompts/get` can run as tasks too (2025-11-25). */
  readonly requestTasks?: RequestTasks;
}

/** Task-augmented `resources/read` and `prompts/get` (2025-11-25). */
export interface RequestTasks {
  /** The `tasks` capability of a server some of whose resources or prompts run as tasks. */
  capability(taskCapable: { resources: boolean; prompts: boolean }): ServerCapabilities['tasks'];
  /** Foreground or task for a request to `subject` (`Resource 'y'`, `Prompt 'z'`) in `mode`. */
  route(subject: string, mode: TaskMode, params: Record<string, unknown>): Route;
  /** Create the task (filed under the resource's or prompt's task name) and answer with its `CreateTaskResult`. */
  createTask(
    target: TaskTarget,
    args: { raw: Record<string, unknown>; parsed: unknown },
    caller: TaskCaller,
    params: Record<string, unknown>,
    ctx: ServerContext,
  ): Promise<{ task: Record<string, unknown> } & Record<string, unknown>>;
}

/**
 * An era's side of pushed task notifications: reading a listen request and reporting on its tasks. The server holds
 * the rest (how many are open, which tasks are the caller's, shutting down), and the SDK's gaps get the requests past
 * the SDK (wire/sdk-gaps/task-listen.ts over HTTP, stdio-task-listen.ts over stdio).
 */
export interface TaskListenWire {
  /** Whether `message` asks for task notifications at all, well-formed or not: the requests taken from the SDK. */
  asks(message: unknown): boolean;
  /** The listen request, checked: throws the era's `ProtocolError` when it is refused (before anything is watched). */
  read(message: Record<string, unknown>): TaskListenRequest;
  /**
   * Over Streamable HTTP: resolves once the watches are live and the acknowledged tasks are read, with the SSE response
   * whose first message is the acknowledgement. Rejects (before any byte is sent) when the task engine cannot answer.
   */
  openStream(request: TaskListenRequest, port: TaskListenPort, options: TaskListenOptions): Promise<Response>;
  /**
   * Over a connection that carries it among its other messages (stdio): resolves once the watches are live and the
   * acknowledged tasks are read, before anything is sent. Rejects, releasing what it watched, when the task engine
   * cannot answer.
   */
  subscribe(
    request: TaskListenRequest,
    port: TaskListenPort,
    serverInfo: { name: string; version: string },
  ): Promise<TaskSubscription>;
}

/** A listen request that asks for task notifications: its JSON-RPC id (the subscription's) and the task ids. */
export interface TaskListenRequest {
  id: string | number;
  taskIds: string[];
}

/** What a task subscription needs from the server: the caller's tasks, read and watched. */
export interface TaskListenPort {
  /**
   * The caller's task, or `undefined` when it is unknown, expired or another principal's. Throws a
   * `ProtocolError` when the task engine cannot answer.
   */
  find(taskId: string): Promise<TaskRecord | undefined>;
  /** Call `listener` with the fresh record on every change of the task; resolves once the watch is live. */
  watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void>;
}

/** What an SSE stream of task notifications is told by the server. */
export interface TaskListenOptions {
  /** Fires when the client has gone (its HTTP request was aborted). */
  disconnected: AbortSignal;
  /** Fires when the server shuts down: the subscription ends gracefully. */
  shutdown: AbortSignal;
  serverInfo: { name: string; version: string };
  /** Called once the stream is over: the client has taken the subscription's result, or has gone. */
  onEnd?: () => void;
}

/** Where a subscription's messages go, in order. */
export interface TaskListenSink {
  send(message: Record<string, unknown>): void;
  /** The subscription is over: its result was sent when `graceful`. Called once; the watches are released. */
  ended(graceful: boolean): void;
}

/** One task subscription, whatever carries it. */
export interface TaskSubscription {
  /** Start sending to `sink`: the acknowledgement first. Ends at once (gracefully) when every task has ended. */
  start(sink: TaskListenSink): void;
  /**
   * End it and release its watches: with the listen request's result when `graceful` (the server shuts down), with
   * nothing more when the client has gone or cancelled. Does nothing once it ended.
   */
  end(graceful: boolean): void;
}
