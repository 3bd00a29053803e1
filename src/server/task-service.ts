import type { AuthInfo, ClientCapabilities } from '@modelcontextprotocol/server';
import { principalOf } from '../auth/principal.js';
import { type SnapshotCodec, snapshotCodec } from '../context/encryption.js';
import { loadSnapshot, storeSnapshot } from '../context/restore.js';
import { ProtocolError, ProtocolErrorCode, TaskErrorCode, taskNotFound, toJsonRpcError } from '../errors.js';
import type { TaskEngine } from '../tasks/engine.js';
import { newTaskId } from '../tasks/ids.js';
import type { TaskPage } from '../tasks/listing.js';
import { TaskLimitError, type TaskLimits, type TaskLogRecord } from '../tasks/seams.js';
import type { LegOutcome, LegRun, TaskRecord } from '../tasks/types.js';
import { traceLeg, traceTaskCreation } from '../tracing/spans.js';
import type { TaskCaller, TaskOperations, TaskTarget } from '../wire/era.js';
import { ARGUMENT_LIMITS, type ArgumentLimits, argumentProblem, keptArguments } from './arguments.js';
import { ImmediateOutcome } from './immediate-outcome.js';
import { missingInputCapabilities, undeclaredInputError } from './input-capabilities.js';
import { parseArguments, runHandler } from './invoke.js';
import { legContext } from './leg-context.js';
import type { ServerLogger } from './logger.js';
import type { Middleware } from './middleware.js';
import type { ToolRegistry } from './registry.js';
import { operationOf } from './resource-prompt-tasks/task-names.js';

const plainSnapshots = snapshotCodec(undefined);

/** Who asks for a task, and what a task is created for: the wire's ports (see wire/era.ts), implemented here. */
export type { TaskCaller as CallerInfo, TaskTarget };

/** Tasks per `tasks/list` page when the server sets no other size. */
export const DEFAULT_LIST_PAGE_SIZE = 50;

/**
 * Era-neutral task operations: the wire modules translate requests into these calls and records into their era's
 * shapes. Binding to the caller happens here, so both eras answer a foreign id exactly like an unknown one.
 */
export class TaskService implements TaskOperations {
  private get snapshots(): SnapshotCodec {
    return this.options.snapshots ?? plainSnapshots;
  }

  constructor(
    private readonly engine: TaskEngine,
    private readonly registry: ToolRegistry,
    private readonly options: {
      maskErrorDetails: boolean;
      log: ServerLogger;
      snapshots?: SnapshotCodec;
      /** Bounds for a ttl the client requests (2025-11-25 `params.task.ttl`): requests outside are clamped. */
      ttl?: { minMs: number; maxMs: number };
      listPageSize?: number;
      /** Bounds on the tasks kept at once, per principal and in all. */
      limits?: TaskLimits;
      arguments?: ArgumentLimits;
      /** Around each leg's handler run, as around a foreground call. */
      middleware?: readonly Middleware[];
    },
  ) {}

  /**
   * Create a task for a validated `tools/call` (or 2025-11-25 `resources/read`, `prompts/get`); resolves once
   * `tasks/get` from any front end would find it, or later with `immediateResultMs` (see `TaskOperations.create`).
   * `args` are the arguments as received and as the tool's schema parsed them: the task keeps the received ones less
   * what the schema strips. `ttlMs` is the retention the client asked for (clamped to the server's bounds); the
   * target's own ttl otherwise.
   */
  async create(
    target: TaskTarget,
    args: { raw: Record<string, unknown>; parsed: unknown },
    caller: TaskCaller,
    ttlMs?: number,
    options: {
      /** Runs once the task's id is known, before its first leg can run (to watch its log records from the start). */
      beforeQueued?: (taskId: string) => Promise<void>;
    } = {},
  ): Promise<TaskRecord> {
    const kept = keptArguments(args.raw, args.parsed);
    const problem = argumentProblem(kept, this.options.arguments ?? ARGUMENT_LIMITS);
    if (problem)
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${problem} (tool '${target.name}')`);
    const taskId = newTaskId();
    const context = storeSnapshot(
      taskId,
      {
        requestId: caller.requestId,
        toolName: target.name,
        toolVersion: target.config.version,
        sessionId: caller.sessionId,
        authInfo: caller.authInfo,
        http: caller.http,
        traceparent: caller.traceparent,
        tracestate: caller.tracestate,
        clientCapabilities: caller.clientCapabilities,
      },
      this.snapshots,
    );
    const ttl = this.options.ttl;
    const spec = {
      taskId,
      toolName: target.name,
      owner: principalOf(caller.authInfo),
      args: kept,
      ttlMs:
        ttlMs === undefined || !ttl
          ? (ttlMs ?? target.task.ttlMs)
          : Math.min(Math.max(ttlMs, ttl.minMs), ttl.maxMs),
      pollIntervalMs: target.task.pollIntervalMs,
      timeoutMs: target.task.timeoutMs,
      retry: target.task.retry,
      inputResponses: caller.inputResponses,
      requestState: caller.requestState,
      progressToken: caller.progressToken,
      context,
    };
    await options.beforeQueued?.(taskId);
    const waitMs = target.task.immediateResultMs;
    const immediate = waitMs === undefined ? undefined : new ImmediateOutcome(this.engine, waitMs);
    if (immediate) await this.engineCall('watching a task', () => immediate.watch(taskId));
    let created: TaskRecord;
    try {
      created = await traceTaskCreation(target.name, operationOf(target.name, kept), () =>
        this.engineCall('creating a task', () => this.engine.create(spec, this.options.limits)),
      );
    } catch (error) {
      immediate?.stop();
      throw error;
    }
    return immediate ? immediate.outcome(created) : created;
  }

  /** The caller's task, or the not-found error for unknown, expired and foreign ids alike. */
  async find(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord> {
    const record = await this.engineCall('reading a task', () => this.engine.get(taskId));
    if (!record || record.owner !== principalOf(authInfo)) throw taskNotFound(taskId);
    return record;
  }

  async cancel(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskRecord> {
    await this.find(taskId, authInfo);
    const record = await this.engineCall('cancelling a task', () => this.engine.cancel(taskId));
    if (!record) throw taskNotFound(taskId);
    if (record.status === 'cancelled') await this.cancelled(record, authInfo);
    return record;
  }

  /**
   * Tell the tool its task was cancelled (`onCancel`), here in the front end that took the cancel: between legs no
   * handler is running to notice, and outside work (a proxied backend task) should stop now, not at the next leg.
   * A failing hook is logged; the task is cancelled either way.
   */
  private async cancelled(record: TaskRecord, authInfo: AuthInfo | undefined): Promise<void> {
    const onCancel = this.registry.get(record.toolName)?.config.onCancel;
    if (!onCancel) return;
    try {
      await onCancel({ taskId: record.taskId, requestState: record.requestState, authInfo });
    } catch (error) {
      this.options.log(
        'warning',
        `[task ${record.taskId}] onCancel of tool '${record.toolName}' failed: ${(error as Error).message}`,
      );
    }
  }

  async answer(
    taskId: string,
    responses: Record<string, unknown>,
    authInfo: AuthInfo | undefined,
  ): Promise<TaskRecord> {
    const problem = argumentProblem(responses, this.options.arguments ?? ARGUMENT_LIMITS, 'Input responses');
    if (problem) throw new ProtocolError(ProtocolErrorCode.InvalidParams, problem);
    await this.find(taskId, authInfo);
    const record = await this.engineCall('answering a task', () => this.engine.answer(taskId, responses));
    if (!record) throw taskNotFound(taskId);
    return record;
  }

  /** One page of the caller's own tasks; an invalid cursor is -32602. */
  list(authInfo: AuthInfo | undefined, cursor: string | undefined): Promise<TaskPage> {
    const page = { cursor, limit: this.options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE };
    return this.engineCall('listing tasks', () => this.engine.list(principalOf(authInfo), page));
  }

  /**
   * Run an engine operation for a request: protocol errors pass through, a reached limit is its own error, and any
   * other failure (the engine's store unreachable) answers one clean error while the details go to the log.
   */
  private async engineCall<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      if (error instanceof TaskLimitError) throw new ProtocolError(TaskErrorCode.TooManyTasks, error.message);
      this.options.log(
        'warning',
        `task engine (${this.engine.kind}): ${what} failed: ${(error as Error).message}`,
      );
      throw new ProtocolError(
        TaskErrorCode.EngineUnavailable,
        `The task engine is unavailable right now (${what}); try again shortly.`,
      );
    }
  }

  watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void> {
    return this.engine.watch(taskId, listener);
  }

  /** The log records the task's handler sends from now on, wherever it runs (not bound to a caller: pass ids you own). */
  watchLogs(taskId: string, listener: (record: TaskLogRecord) => void): Promise<() => void> {
    return this.engine.watchLogs(taskId, listener);
  }

  /** Run one leg of a task: restore the caller's context and run the tool's handler in it. */
  readonly runLeg = async (run: LegRun): Promise<LegOutcome> => {
    const tool = this.registry.get(run.toolName);
    if (!tool) {
      return {
        type: 'error',
        error: { code: -32603, message: `Tool '${run.toolName}' is not registered in this process.` },
      };
    }
    const args = await parseArguments(tool, run.args);
    if (!args.ok) return { type: 'error', error: { code: -32602, message: args.message } };
    const loaded = loadSnapshot(run.taskId, run.context, this.snapshots);
    if (!loaded.ok) {
      this.options.log('error', `[task ${run.taskId}] ${loaded.message}`);
      return { type: 'error', error: { code: -32603, message: loaded.message } };
    }
    const snapshot = loaded.snapshot;
    const log = this.options.log;
    if (snapshot?.toolVersion !== undefined && snapshot.toolVersion !== tool.config.version) {
      log(
        'warning',
        `[task ${run.taskId}] created by '${tool.name}' version ${snapshot.toolVersion}, run by version ${tool.config.version ?? '(none)'}`,
      );
    }
    const context = legContext(run, snapshot, log, tool.name);
    const outcome = await traceLeg(run, snapshot, () =>
      runHandler(tool, args.value, context, {
        maskErrorDetails: this.options.maskErrorDetails,
        middleware: this.options.middleware,
        continuations: true,
      }),
    );
    switch (outcome.kind) {
      case 'result':
        return { type: 'result', result: outcome.result };
      case 'error':
        return { type: 'error', error: outcome.error };
      case 'thrown':
        return { type: 'thrown', message: outcome.message, result: outcome.result };
      case 'continue': {
        const { requestState, delayMs, statusMessage } = outcome.continuation;
        return { type: 'continue', requestState, delayMs, statusMessage };
      }
      case 'cancelled':
        return { type: 'cancelled', statusMessage: outcome.statusMessage };
      case 'input_required':
        if (!outcome.ask.inputRequests || Object.keys(outcome.ask.inputRequests).length === 0) {
          return {
            type: 'error',
            error: {
              code: -32603,
              message: `Tool '${tool.name}' returned an input-required result without input requests; a task can only wait for input.`,
            },
          };
        }
        return inputAsked(
          tool.name,
          outcome.ask.inputRequests as Record<string, { method: string; params?: Record<string, unknown> }>,
          outcome.ask.requestState,
          snapshot?.clientCapabilities,
        );
    }
  };
}

/** A leg waits for input, unless it asks for a kind the client did not declare (then the task fails, -32021). */
function inputAsked(
  toolName: string,
  inputRequests: Record<string, { method: string; params?: Record<string, unknown> }>,
  requestState: string | undefined,
  declared: ClientCapabilities | undefined,
): LegOutcome {
  const missing = missingInputCapabilities(inputRequests, declared);
  if (missing) return { type: 'error', error: toJsonRpcError(undeclaredInputError(toolName, missing)) };
  return { type: 'input_required', inputRequests, requestState };
}
