import {
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageRequest,
  type CreateMessageResult,
  type ElicitRequest,
  type ElicitResult,
  type GetPromptResult,
  type ListRootsResult,
  type ReadResourceResult,
  Client as SdkClient,
  StreamableHTTPClientTransport,
  type Tool,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION, TASKS_EXTENSION } from '../protocol.js';
import { LegacyTaskHandle, LegacyTasks } from './legacy-tasks.js';
import { acceptTaskResults, createTaskResultOf } from './sdk-gaps.js';
import { TaskHandle, type TaskOperations } from './task-handle.js';
import { type PushedStates, TaskNotifications } from './task-listen.js';
import { AckSchema, CallTimeoutError, type TaskInfo, TaskInfoSchema } from './types.js';

/** Where to connect: an HTTP endpoint, a command to spawn over stdio, or a ready transport (e.g. in-process). */
export type ConnectTarget =
  | string
  | URL
  | { url: string | URL; headers?: Record<string, string> }
  | {
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
      stderr?: 'inherit' | 'pipe' | 'ignore';
    }
  | { transport: Transport }
  | { server: InProcessServer };

/**
 * A server reachable in this process through a web-standard `fetch` handler, such as a `TaskMCP` instance: the
 * client talks Streamable HTTP to it without a socket (tests, embedding).
 */
export interface InProcessServer {
  fetch(request: Request): Promise<Response>;
}

/** The in-process endpoint's URL: never dialled, only parsed by the transport. */
const IN_PROCESS_URL = 'http://in-process.taskmcp.invalid/mcp';

export interface ClientOptions {
  name?: string;
  version?: string;
  /** Protocol era: `auto` (default) tries 2026-07-28 first and falls back to 2025-11-25. */
  era?: 'auto' | 'modern' | 'legacy';
  /** Declare the tasks extension on every request (default true): the server may then answer with tasks. */
  tasks?: boolean;
  /** Answers elicitation requests: multi-round-trip rounds and tasks waiting for input. */
  onElicit?: (params: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;
  /** Answers sampling requests (`sampling/createMessage`), like `onElicit`. */
  onSample?: (params: CreateMessageRequest['params']) => CreateMessageResult | Promise<CreateMessageResult>;
  /** Answers `roots/list` requests, like `onElicit`. */
  onListRoots?: () => ListRootsResult | Promise<ListRootsResult>;
  /**
   * Client capabilities declared over those the handlers imply (each handler declares its kind with `{}`), for
   * sub-capabilities such as `elicitation: { url: {} }`. Declare a kind only with its handler.
   */
  capabilities?: ClientCapabilities;
  /** First delay between task polls; it doubles up to the server's `pollIntervalMs` (default 20 ms). */
  initialPollMs?: number;
  /**
   * Follow tasks by the notifications the server pushes (2026-07-28 `subscriptions/listen`) when it offers them,
   * instead of polling (default true). A server that does not is polled either way.
   */
  taskNotifications?: boolean;
}

export interface CallOptions {
  /** One deadline for the whole call, task polling and input rounds included. A task still running is cancelled. */
  timeoutMs?: number;
  /** Aborting cancels the call (and the task, if one was started). */
  signal?: AbortSignal;
  /** Called with each new task state while a task runs (status, `statusMessage` progress). */
  onProgress?: (task: TaskInfo) => void;
}

export interface ReadOptions extends CallOptions {
  /**
   * Ask for the read or get to run as a task (2025-11-25: `params.task`), where the server declares that it can;
   * the task is driven to its end and its result returned. Otherwise, and always on 2026-07-28 (whose tasks
   * extension covers tools only), the server answers in the foreground: the result is the same.
   */
  task?: boolean;
}

/** The SDK's default request timeout; long foreground calls need the caller's deadline instead. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

/**
 * An MCP client that drives tasks transparently: `callTool` returns the final result whether the server answered at
 * once or with a task; `callToolTask` hands out the task itself.
 */
export class Client implements TaskOperations {
  readonly initialPollMs: number;
  /** The 2025-11-25 task methods, when the server negotiated that era and tasks are enabled. */
  private readonly legacy?: LegacyTasks;

  private constructor(
    /** The underlying SDK client, for everything this class does not wrap. */
    readonly sdk: SdkClient,
    private readonly options: ClientOptions,
    private readonly notifications: TaskNotifications,
  ) {
    this.initialPollMs = options.initialPollMs ?? 20;
    if ((options.tasks ?? true) && this.protocolVersion === LEGACY_PROTOCOL_VERSION) {
      this.legacy = new LegacyTasks(sdk);
    }
  }

  static async connect(target: ConnectTarget, options: ClientOptions = {}): Promise<Client> {
    const capabilities: Record<string, unknown> = {};
    if (options.tasks ?? true) capabilities.extensions = { [TASKS_EXTENSION]: {} };
    if (options.onElicit) capabilities.elicitation = {};
    if (options.onSample) capabilities.sampling = {};
    if (options.onListRoots) capabilities.roots = {};
    Object.assign(capabilities, options.capabilities);
    const era = options.era ?? 'auto';
    const sdk = new SdkClient(
      { name: options.name ?? 'taskmcp-client', version: options.version ?? '0.1.0' },
      {
        capabilities,
        versionNegotiation: {
          mode: era === 'auto' ? 'auto' : era === 'modern' ? { pin: MODERN_PROTOCOL_VERSION } : 'legacy',
        },
      },
    );
    const onElicit = options.onElicit;
    if (onElicit) sdk.setRequestHandler('elicitation/create', (request) => onElicit(request.params));
    const { onSample, onListRoots } = options;
    if (onSample) sdk.setRequestHandler('sampling/createMessage', (request) => onSample(request.params));
    if (onListRoots) sdk.setRequestHandler('roots/list', () => onListRoots());
    const notifications = new TaskNotifications();
    await sdk.connect(acceptTaskResults(transportFor(target), notifications.observe));
    return new Client(sdk, options, notifications);
  }

  /** The protocol version agreed with the server. */
  get protocolVersion(): string | undefined {
    return this.sdk.getNegotiatedProtocolVersion?.();
  }

  async listTools(): Promise<Tool[]> {
    return (await this.sdk.listTools()).tools;
  }

  /** Call a tool and return its final result, driving a task to completion if the server started one. */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    const { signal, dispose, timedOut } = deadline(options);
    let handle: TaskHandle | undefined;
    try {
      handle = await this.start(name, args, signal, options.timeoutMs);
      // Progress comes from the same polls that drive the task: one poller, at the pace the server asked for.
      return await handle.result({ signal, onUpdate: options.onProgress });
    } catch (error) {
      if (timedOut()) throw new CallTimeoutError(options.timeoutMs!, handle?.id);
      throw error;
    } finally {
      dispose();
    }
  }

  /** Call a tool and return a handle on the task it started (settled at once if the server answered directly). */
  async callToolTask(
    name: string,
    args: Record<string, unknown> = {},
    options: Omit<CallOptions, 'onProgress'> = {},
  ) {
    const { signal, dispose } = deadline(options);
    try {
      return await this.start(name, args, signal, options.timeoutMs);
    } finally {
      dispose();
    }
  }

  /** Read a resource, as a task with `{ task: true }` where the server can run it as one (see {@link ReadOptions}). */
  readResource(uri: string | URL, options: ReadOptions = {}): Promise<ReadResourceResult> {
    const params = { uri: String(uri) };
    return this.readOrGet('resources/read', params, options, (sdkOptions) =>
      this.sdk.readResource(params, sdkOptions),
    );
  }

  /** Get a prompt, as a task with `{ task: true }` where the server can run it as one (see {@link ReadOptions}). */
  getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: ReadOptions = {},
  ): Promise<GetPromptResult> {
    const params = { name, arguments: args };
    return this.readOrGet('prompts/get', params, options, (sdkOptions) =>
      this.sdk.getPrompt(params, sdkOptions),
    );
  }

  /** Re-attach to a task by id (for example one created by an earlier process). */
  task(taskId: string): TaskHandle {
    return new TaskHandle(this, { taskId } as TaskInfo);
  }

  async getTask(taskId: string, signal?: AbortSignal): Promise<TaskInfo> {
    if (this.legacy) return this.legacy.get(taskId, signal);
    const task = await this.sdk.request({ method: 'tasks/get', params: { taskId } }, TaskInfoSchema, {
      signal,
    });
    return task as TaskInfo;
  }

  /** The task's pushed states, when this connection can listen and the server offers them for this task. */
  followTask(taskId: string, signal?: AbortSignal): Promise<PushedStates | undefined> {
    const listens = (this.options.taskNotifications ?? true) && (this.options.tasks ?? true) && !this.legacy;
    if (!listens || this.protocolVersion !== MODERN_PROTOCOL_VERSION) return Promise.resolve(undefined);
    return this.notifications.follow(this.sdk, taskId, signal);
  }

  async cancelTask(taskId: string): Promise<void> {
    await this.sdk.request({ method: 'tasks/cancel', params: { taskId } }, AckSchema);
  }

  async updateTask(
    taskId: string,
    inputResponses: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.sdk.request({ method: 'tasks/update', params: { taskId, inputResponses } }, AckSchema, {
      signal,
    });
  }

  async answerInput(
    taskId: string,
    requests: NonNullable<TaskInfo['inputRequests']>,
    signal?: AbortSignal,
  ): Promise<void> {
    const responses: Record<string, unknown> = {};
    const { onElicit, onSample, onListRoots } = this.options;
    for (const [key, request] of Object.entries(requests)) {
      const params = request.params as never;
      if (request.method === 'elicitation/create' && onElicit) responses[key] = await onElicit(params);
      else if (request.method === 'sampling/createMessage' && onSample)
        responses[key] = await onSample(params);
      else if (request.method === 'roots/list' && onListRoots) responses[key] = await onListRoots();
      else {
        throw new Error(
          `Task ${taskId} needs input (${request.method}) and this client has no handler for it; pass onElicit, onSample or onListRoots to Client.connect.`,
        );
      }
    }
    await this.updateTask(taskId, responses, signal);
  }

  async close(): Promise<void> {
    await this.sdk.close();
  }

  /** A `resources/read` or `prompts/get`: with `params.task` and driven to its end, or in the foreground. */
  private async readOrGet<R>(
    method: 'resources/read' | 'prompts/get',
    params: Record<string, unknown>,
    options: ReadOptions,
    foreground: (sdkOptions: { signal: AbortSignal; timeout: number }) => Promise<R>,
  ): Promise<R> {
    const { signal, dispose, timedOut } = deadline(options);
    const timeout = options.timeoutMs ?? NO_DEADLINE_MS;
    let handle: LegacyTaskHandle | undefined;
    try {
      const legacy = this.legacy;
      if (!options.task || !legacy?.acceptsTasks(method)) return await foreground({ signal, timeout });
      const request = new AbortController();
      const creating = legacy.createFor(method, params, { signal: request.signal, timeout });
      const created = await settleOrAbandon(creating, signal, request, (late) => {
        void this.cancelTask(late.taskId).catch(() => {});
      });
      handle = new LegacyTaskHandle(this, legacy, created);
      // tasks/result answers what the request would have: a ReadResourceResult or GetPromptResult.
      return (await handle.result({ signal, onUpdate: options.onProgress })) as unknown as R;
    } catch (error) {
      if (timedOut()) throw new CallTimeoutError(options.timeoutMs!, handle?.id);
      throw error;
    } finally {
      dispose();
    }
  }

  private async start(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs?: number) {
    const request = new AbortController();
    if (this.legacy && (await this.legacy.runsAsTask(name))) {
      const creating = this.legacy.create(name, args, {
        signal: request.signal,
        timeout: timeoutMs ?? NO_DEADLINE_MS,
      });
      const created = await settleOrAbandon(creating, signal, request, (late) => {
        void this.cancelTask(late.taskId).catch(() => {});
      });
      return new LegacyTaskHandle(this, this.legacy, created);
    }
    const call = this.sdk.callTool(
      { name, arguments: args },
      { signal: request.signal, timeout: timeoutMs ?? NO_DEADLINE_MS },
    );
    const result = await settleOrAbandon(call, signal, request, (settled) => {
      // The server may have created the task just as the caller gave up: cancel it rather than leave it running.
      const created = createTaskResultOf(settled);
      if (typeof created?.taskId === 'string') void this.cancelTask(created.taskId).catch(() => {});
    });
    const created = createTaskResultOf(result);
    return created
      ? new TaskHandle(this, created as unknown as TaskInfo)
      : new TaskHandle(this, undefined, result);
  }
}

/**
 * How long a call the caller gave up on keeps waiting for the server's answer before the request itself is aborted.
 * A task is created (and answered) quickly, so this window catches the task the server created in the meantime;
 * a foreground handler is stopped when the request is aborted, at most this much later.
 */
const ABANDON_GRACE_MS = 500;

/** The call's result, or the caller's abort reason; an answer arriving after the abort goes to `onLateAnswer`. */
function settleOrAbandon<T>(
  call: Promise<T>,
  signal: AbortSignal,
  request: AbortController,
  onLateAnswer: (answer: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abandon = () => {
      reject(signal.reason);
      const timer = setTimeout(() => request.abort(signal.reason), ABANDON_GRACE_MS);
      call.then(onLateAnswer, () => {}).finally(() => clearTimeout(timer));
    };
    if (signal.aborted) return abandon();
    signal.addEventListener('abort', abandon, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon));
  });
}

function transportFor(target: ConnectTarget): Transport {
  if (typeof target === 'string' || target instanceof URL)
    return new StreamableHTTPClientTransport(new URL(target));
  if ('transport' in target) return target.transport;
  if ('server' in target) {
    const server = target.server;
    return new StreamableHTTPClientTransport(new URL(IN_PROCESS_URL), {
      fetch: (input, init) => server.fetch(new Request(input, init)),
    });
  }
  if ('url' in target) {
    return new StreamableHTTPClientTransport(new URL(target.url), {
      requestInit: { headers: target.headers },
    });
  }
  return new StdioClientTransport({
    command: target.command,
    args: target.args,
    env: target.env,
    cwd: target.cwd,
    stderr: target.stderr ?? 'inherit',
  });
}

/** One signal for the caller's signal and the call's deadline. */
function deadline(options: { timeoutMs?: number; signal?: AbortSignal }) {
  const signals: AbortSignal[] = [];
  if (options.signal) signals.push(options.signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new AbortController();
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => timeout.abort(new CallTimeoutError(options.timeoutMs!)), options.timeoutMs);
    signals.push(timeout.signal);
  }
  return {
    signal: AbortSignal.any(signals),
    timedOut: () => timeout.signal.aborted,
    dispose: () => clearTimeout(timer),
  };
}
