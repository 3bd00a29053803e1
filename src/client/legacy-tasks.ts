/**
 * Driving 2025-11-25 tasks (SEP-1686) from the taskmcp client, so `callTool` behaves the same on both eras. When
 * the server negotiated 2025-11-25, declares task-augmented `tools/call` and lists the tool with
 * `execution.taskSupport` `optional` or `required`, the call carries `params.task`; the client then polls
 * `tasks/get` and, once the task ends or waits for input, fetches `tasks/result` (which delivers the server's
 * elicitation requests to `onElicit` and blocks until the task ends).
 *
 * Tasks are presented in the 2026-07-28 model: `ttl`/`pollInterval` become `ttlMs`/`pollIntervalMs`, and a task that
 * this era calls `failed` because the tool returned `isError` yields that result, as a completed call would.
 *
 * The SDK client 2.4 keeps this era's task methods out of its typed request map; they go through its explicit-schema
 * `request` form, which it allows on this era.
 */
import type { CallToolResult, Client as SdkClient } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { TaskHandle, type TaskOperations, type WaitOptions } from './task-handle.js';
import { TaskCancelledError, TaskFailedError, type TaskInfo, TaskStatusSchema } from './types.js';

const LegacyTaskSchema = z.looseObject({
  taskId: z.string(),
  status: TaskStatusSchema,
  statusMessage: z.string().optional(),
  createdAt: z.string(),
  lastUpdatedAt: z.string(),
  ttl: z.number().nullable(),
  pollInterval: z.number().optional(),
});
const CreateTaskResultSchema = z.looseObject({ task: LegacyTaskSchema });
const ToolsSchema = z.looseObject({
  tools: z.array(
    z.looseObject({
      name: z.string(),
      execution: z.looseObject({ taskSupport: z.string().optional() }).optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});
const AnyResultSchema = z.looseObject({});

type LegacyTask = z.infer<typeof LegacyTaskSchema>;

function toTaskInfo(task: LegacyTask): TaskInfo {
  const { ttl, pollInterval, ...rest } = task;
  return { ...rest, ttlMs: ttl, ...(pollInterval === undefined ? {} : { pollIntervalMs: pollInterval }) };
}

/** The 2025-11-25 task methods, for one connected SDK client. */
export class LegacyTasks {
  /** `execution.taskSupport` by tool name, from `tools/list`. */
  private taskSupport?: Map<string, string>;

  constructor(private readonly sdk: SdkClient) {}

  /** Whether a call to `name` should ask for a task. */
  async runsAsTask(name: string): Promise<boolean> {
    if (!this.sdk.getServerCapabilities()?.tasks?.requests?.tools?.call) return false;
    if (!this.taskSupport?.has(name)) this.taskSupport = await this.listTaskSupport();
    const support = this.taskSupport.get(name);
    return support === 'optional' || support === 'required';
  }

  async create(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeout: number },
  ): Promise<TaskInfo> {
    return this.createFor('tools/call', { name, arguments: args }, options);
  }

  /** Whether the server declares task-augmented `resources/read` or `prompts/get`. */
  acceptsTasks(method: 'resources/read' | 'prompts/get'): boolean {
    const requests = this.sdk.getServerCapabilities()?.tasks?.requests as
      | Record<string, Record<string, unknown> | undefined>
      | undefined;
    return method === 'resources/read' ? !!requests?.resources?.read : !!requests?.prompts?.get;
  }

  /** Send `method` with `params.task`; the server answers with the task it created. */
  async createFor(
    method: 'tools/call' | 'resources/read' | 'prompts/get',
    params: Record<string, unknown>,
    options: { signal: AbortSignal; timeout: number },
  ): Promise<TaskInfo> {
    const created = await this.sdk.request(
      { method, params: { ...params, task: {} } },
      CreateTaskResultSchema,
      options,
    );
    return toTaskInfo(created.task);
  }

  async get(taskId: string, signal?: AbortSignal): Promise<TaskInfo> {
    return toTaskInfo(
      await this.sdk.request({ method: 'tasks/get', params: { taskId } }, LegacyTaskSchema, { signal }),
    );
  }

  /**
   * `tasks/result`: what the call would have returned. Blocks until the task ends, answering input requests through
   * the client's handlers meanwhile. A JSON-RPC error becomes {@link TaskFailedError}.
   */
  async result(taskId: string, signal?: AbortSignal): Promise<CallToolResult> {
    try {
      return (await this.sdk.request({ method: 'tasks/result', params: { taskId } }, AnyResultSchema, {
        signal,
        timeout: 2 ** 31 - 1, // blocks for as long as the task runs; the caller's signal bounds it
      })) as CallToolResult;
    } catch (error) {
      const { code, message, data } = error as { code?: unknown; message: string; data?: unknown };
      if (typeof code !== 'number' || signal?.aborted) throw error;
      if ((await this.get(taskId, signal)).status === 'cancelled') throw new TaskCancelledError(taskId);
      throw new TaskFailedError(taskId, code, message, data);
    }
  }

  private async listTaskSupport(): Promise<Map<string, string>> {
    const support = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await this.sdk.request(
        { method: 'tools/list', params: cursor ? { cursor } : {} },
        ToolsSchema,
      );
      for (const tool of page.tools) support.set(tool.name, tool.execution?.taskSupport ?? 'forbidden');
      cursor = page.nextCursor;
    } while (cursor);
    return support;
  }
}

/** A task of the 2025-11-25 era: polled like any task, its outcome fetched with `tasks/result`. */
export class LegacyTaskHandle extends TaskHandle {
  constructor(
    ops: TaskOperations,
    private readonly legacy: LegacyTasks,
    created: TaskInfo,
  ) {
    super(ops, created);
  }

  override async result(options: Omit<WaitOptions, 'status'> = {}): Promise<CallToolResult> {
    const { signal, onUpdate } = options;
    const taskId = this.id!;
    try {
      // Poll until the task ends or waits for input: tasks/result then delivers the input requests and the outcome.
      const state = await this.wait({ status: 'input_required', signal, onUpdate });
      if (state.status === 'cancelled') throw new TaskCancelledError(taskId);
      return await this.legacy.result(taskId, signal);
    } catch (error) {
      if (signal?.aborted) await this.cancel().catch(() => {});
      throw error;
    }
  }
}
