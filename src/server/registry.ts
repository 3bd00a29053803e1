import type {
  AuthInfo,
  InputRequiredResult,
  StandardSchemaWithJSON,
  ToolAnnotations,
} from '@modelcontextprotocol/server';
import type { TaskMCPContext } from '../context/context.js';
import type { DependencyFactories } from '../deps/dependencies.js';
import type { TaskMode } from '../protocol.js';
import type { RetryPolicy } from '../tasks/types.js';
import type { MiddlewareLayer } from './middleware.js';
import { checkTaskOptions } from './option-checks.js';
import type { ToolReturn } from './results.js';

/** A tool's task mode (`forbidden` is the default unless the server sets `tasks.defaultMode`). */
export type { TaskMode };

export interface TaskOptions {
  mode?: TaskMode;
  /** How long the task and its result are kept after creation. */
  ttlMs?: number;
  /** Suggested interval between `tasks/get` polls. */
  pollIntervalMs?: number;
  /** Abort the handler (through `ctx.signal`) and fail the call after this long; applies in the foreground too. */
  timeoutMs?: number;
  /** Re-run a task leg whose handler threw, with backoff; each attempt shows in the task's `statusMessage`. */
  retry?: RetryPolicy;
  /**
   * Answer a task-creating call with the outcome instead of a bare handle when the task ends (or asks for input)
   * within this many milliseconds of its creation; 0 waits only for what this process finishes in the same
   * event-loop turn (a handler run by the memory engine that does not wait on I/O). Absent: always a handle at
   * once. On 2026-07-28 a completed task's call answers with the tool's result itself (the spec lets the server
   * answer any call without a task), on 2025-11-25 with the task already `completed`, so the client reads the
   * result without waiting a poll interval. The task is created and kept either way. See docs/tasks.md.
   */
  immediateResultMs?: number;
}

/** A resource's, resource template's or prompt's `task` options: as a tool's, less `retry` and `timeoutMs`. */
export type ResourceTaskOptions = Pick<TaskOptions, 'mode' | 'ttlMs' | 'pollIntervalMs'>;

type Infer<S> = S extends StandardSchemaWithJSON
  ? StandardSchemaWithJSON.InferOutput<S>
  : Record<string, never>;

export interface ToolConfig<
  Input extends StandardSchemaWithJSON | undefined = undefined,
  // biome-ignore lint/complexity/noBannedTypes: `{}` is "no dependencies": it adds nothing to the handler's context.
  Deps extends object = {},
> {
  name: string;
  /** The tool's own version; recorded with each task so a worker running another version can say so. */
  version?: string;
  title?: string;
  description?: string;
  /** Arguments schema (Standard Schema with JSON Schema support, e.g. zod 4). */
  input?: Input;
  /** Schema of `structuredContent`; advertised as `outputSchema`. */
  output?: StandardSchemaWithJSON;
  annotations?: ToolAnnotations;
  _meta?: Record<string, unknown>;
  /**
   * `true` is `{ mode: 'optional' }`, `false` is `forbidden`; absent, the server's `tasks.defaultMode` applies
   * (`forbidden` unless set). An object without `mode` takes the server's default when that is a task mode,
   * `optional` otherwise.
   */
  task?: boolean | TaskOptions;
  /**
   * Per-invocation dependencies: each factory runs once per invocation, before the handler, and its value is
   * merged into the handler's context under its key (cleanup after the handler; see `DependencyFactory`).
   */
  depends?: DependencyFactories<Deps>;
  /**
   * Runs in the foreground before the tool is started, foreground or task. Return an `inputRequired(...)` result
   * to ask the client first (a multi-round-trip round, answered before any task exists); return nothing to go on.
   * The answers reach the handler as `ctx.inputResponses`.
   */
  preflight?: (
    args: Infer<Input>,
    ctx: TaskMCPContext,
  ) => InputRequiredResult | undefined | Promise<InputRequiredResult | undefined>;
  /**
   * Runs in the front end that cancelled one of this tool's tasks (`tasks/cancel`), after the task is `cancelled`:
   * stop outside work the task started (a running leg sees its signal abort as well). Gets the task's last
   * `requestState` and the cancelling caller's token (the task's owner). A failure is logged, not answered.
   */
  onCancel?: (task: { taskId: string; requestState?: string; authInfo?: AuthInfo }) => void | Promise<void>;
}

export type ToolHandler<
  Input extends StandardSchemaWithJSON | undefined,
  // biome-ignore lint/complexity/noBannedTypes: `{}` is "no dependencies": it adds nothing to the handler's context.
  Deps extends object = {},
> = (args: Infer<Input>, ctx: TaskMCPContext & Readonly<Deps>) => ToolReturn | Promise<ToolReturn>;

/** Task settings with every default applied. */
export interface ResolvedTaskOptions {
  mode: TaskMode;
  ttlMs: number;
  pollIntervalMs: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  immediateResultMs?: number;
}

export interface ToolDefinition {
  name: string;
  config: ToolConfig<StandardSchemaWithJSON | undefined, Record<string, unknown>>;
  handler: ToolHandler<StandardSchemaWithJSON | undefined, Record<string, unknown>>;
  task: ResolvedTaskOptions;
  /** The middleware of the servers this tool was mounted from, outermost first (absent on the server's own tools). */
  layers?: readonly MiddlewareLayer[];
}

export interface TaskDefaults {
  /** The mode of tools registered without `task`. */
  mode: TaskMode;
  ttlMs: number;
  pollIntervalMs: number;
  maxTtlMs: number;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * A tool's task settings with the server's defaults applied. `task` absent takes the server's default mode; an
 * object without `mode` asks for tasks, so it takes the default mode when that is a task mode and `optional`
 * otherwise. Throws, naming the tool and the option, on settings that are unknown or cannot work.
 */
export function resolveTaskOptions(
  name: string,
  task: ToolConfig['task'],
  defaults: TaskDefaults,
): ResolvedTaskOptions {
  checkTaskOptions(name, task);
  const options: TaskOptions = typeof task === 'object' ? task : {};
  const ttlMs = options.ttlMs ?? defaults.ttlMs;
  if (ttlMs > defaults.maxTtlMs) {
    throw new RangeError(
      `Tool '${name}': task.ttlMs ${ttlMs} exceeds the server maximum of ${defaults.maxTtlMs} ms (tasks.maxTtlMs).`,
    );
  }
  return {
    mode: modeOf(task, defaults.mode),
    ttlMs,
    pollIntervalMs: options.pollIntervalMs ?? defaults.pollIntervalMs,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    immediateResultMs: options.immediateResultMs,
  };
}

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();

  add(definition: ToolDefinition): void {
    checkToolName(definition.name);
    const { onCancel } = definition.config;
    if (onCancel !== undefined && typeof onCancel !== 'function') {
      throw new TypeError(`Tool '${definition.name}': onCancel must be a function.`);
    }
    if (this.tools.has(definition.name))
      throw new Error(`A tool named '${definition.name}' is already registered.`);
    this.tools.set(definition.name, definition);
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()];
  }
}

/** Throws, naming the tool, when `name` is not a valid tool name. */
export function checkToolName(name: string): void {
  if (!TOOL_NAME.test(name)) {
    throw new TypeError(`Invalid tool name '${name}': use 1-128 letters, digits, '_', '-' or '.'.`);
  }
}

function modeOf(task: ToolConfig['task'], serverDefault: TaskMode): TaskMode {
  if (task === undefined) return serverDefault;
  if (typeof task === 'boolean') return task ? 'optional' : 'forbidden';
  return task.mode ?? (serverDefault === 'forbidden' ? 'optional' : serverDefault);
}
