import type { CallToolResult } from '@modelcontextprotocol/client';
import type { PushedStates } from './task-listen.js';
import { isTerminal, TaskCancelledError, TaskFailedError, type TaskInfo, type TaskStatus } from './types.js';

/** What a {@link TaskHandle} needs from its client. */
export interface TaskOperations {
  getTask(taskId: string, signal?: AbortSignal): Promise<TaskInfo>;
  cancelTask(taskId: string): Promise<void>;
  /** Answer these input requests of the task (`tasks/update`). */
  answerInput(
    taskId: string,
    requests: NonNullable<TaskInfo['inputRequests']>,
    signal?: AbortSignal,
  ): Promise<void>;
  readonly initialPollMs: number;
  /** The task's states as the server pushes them, or `undefined` when it does not (then the handle polls). */
  followTask?(taskId: string, signal?: AbortSignal): Promise<PushedStates | undefined>;
}

export interface WaitOptions {
  /** Resolve at this status (default: any terminal status). A terminal status always ends the wait. */
  status?: TaskStatus;
  signal?: AbortSignal;
  /** Called with each new state seen on the way (status, message or input requests changed). */
  onUpdate?: (task: TaskInfo) => void;
}

/**
 * A task started by `callToolTask`. {@link TaskHandle.result} drives it to the final `CallToolResult`; iterate the
 * handle for status and progress updates, or {@link TaskHandle.cancel} it. (Deliberately not a thenable: an async
 * function returning a thenable would silently resolve it, so `await client.callToolTask()` could never yield the
 * handle.)
 *
 * When the server chose to answer synchronously (SEP-2663 lets it), the handle is already settled and has no `id`.
 */
export class TaskHandle implements AsyncIterable<TaskInfo> {
  readonly id: string | undefined;
  private latest: TaskInfo | undefined;
  /** Input keys already answered: a poll may still list them until the server has processed the update. */
  private readonly answered = new Set<string>();

  constructor(
    private readonly ops: TaskOperations,
    created: TaskInfo | undefined,
    private readonly immediate?: CallToolResult,
  ) {
    this.id = created?.taskId;
    this.latest = created;
  }

  /** The most recent task state this handle saw (`undefined` for a synchronous answer). */
  get last(): TaskInfo | undefined {
    return this.latest;
  }

  /** One `tasks/get`. */
  async status(signal?: AbortSignal): Promise<TaskInfo> {
    this.latest = await this.ops.getTask(this.requireId(), signal);
    return this.latest;
  }

  /** Poll until the task reaches `status` or a terminal status; resolves with that state. */
  async wait(options: WaitOptions = {}): Promise<TaskInfo> {
    for await (const task of this.updates(options.signal, false, options.onUpdate)) {
      if (task.status === options.status || isTerminal(task.status)) return task;
    }
    throw new Error('unreachable: updates end at a terminal status');
  }

  /**
   * Drive the task to its end, answering input requests through the client's handlers, and return what the call
   * would have returned. A `failed` task rejects with {@link TaskFailedError}, a `cancelled` one with
   * {@link TaskCancelledError}; aborting `signal` cancels the task.
   */
  async result(options: Omit<WaitOptions, 'status'> = {}): Promise<CallToolResult> {
    if (this.immediate) return this.immediate;
    const taskId = this.requireId();
    const { signal } = options;
    try {
      for await (const task of this.updates(signal, true, options.onUpdate)) {
        switch (task.status) {
          case 'completed':
            return (task.result ?? { content: [] }) as CallToolResult;
          case 'failed':
            throw new TaskFailedError(
              taskId,
              task.error?.code ?? -32603,
              task.error?.message ?? task.statusMessage ?? 'The task failed.',
              task.error?.data,
            );
          case 'cancelled':
            throw new TaskCancelledError(taskId);
          case 'input_required': {
            const open = Object.entries(task.inputRequests ?? {}).filter(([key]) => !this.answered.has(key));
            if (open.length === 0) break;
            await this.ops.answerInput(taskId, Object.fromEntries(open), signal);
            for (const [key] of open) this.answered.add(key);
            break;
          }
        }
      }
      throw new Error('unreachable: updates end at a terminal status');
    } catch (error) {
      if (signal?.aborted) await this.ops.cancelTask(taskId).catch(() => {});
      throw error;
    }
  }

  /** Ask the server to cancel the task (cooperative: it may still finish first). */
  async cancel(): Promise<void> {
    if (this.id) await this.ops.cancelTask(this.id);
  }

  /** Yields each new state of the task (status, message or progress changed), ending at a terminal status. */
  [Symbol.asyncIterator](): AsyncIterator<TaskInfo> {
    return this.updates()[Symbol.asyncIterator]();
  }

  /**
   * The task's states: pushed by the server when it offers that (each change as it happens), polled otherwise, and
   * polled from where the push left off if the subscription ends before the task does.
   *
   * Polling calls `tasks/get` with backoff: start fast (the first poll after `initialPollMs`), double each time, never
   * faster than needed and never slower than the server's `pollIntervalMs`. With `everyInputRound`, input_required
   * states are yielded each poll (so the caller can answer newly added requests); otherwise only changes are.
   */
  private async *updates(
    signal?: AbortSignal,
    everyInputRound = false,
    onChange?: (task: TaskInfo) => void,
  ): AsyncGenerator<TaskInfo> {
    const taskId = this.requireId();
    let previous: string | undefined;
    /** Whether `task` is worth yielding; notes it as seen. */
    const news = (task: TaskInfo): boolean => {
      this.latest = task;
      const fingerprint = `${task.status}\u0000${task.statusMessage ?? ''}\u0000${Object.keys(task.inputRequests ?? {}).join(',')}`;
      const changed = fingerprint !== previous;
      if (changed) onChange?.(task);
      previous = fingerprint;
      return changed || (everyInputRound && task.status === 'input_required');
    };
    const pushed = await this.ops.followTask?.(taskId, signal);
    if (pushed) {
      try {
        for await (const task of pushed) {
          if (news(task)) yield task;
          if (isTerminal(task.status)) return;
        }
      } finally {
        await pushed.close();
      }
    }
    let delay = this.ops.initialPollMs;
    for (;;) {
      signal?.throwIfAborted();
      const task = await this.ops.getTask(taskId, signal);
      if (news(task)) {
        yield task;
        if (task.status === 'input_required') delay = this.ops.initialPollMs;
      }
      if (isTerminal(task.status)) return;
      const ceiling = task.pollIntervalMs ?? 1_000;
      await sleep(Math.min(delay, ceiling), signal);
      delay = Math.min(delay * 2, ceiling);
    }
  }

  private requireId(): string {
    if (!this.id) throw new Error('The server answered this call synchronously; there is no task to poll.');
    return this.id;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
