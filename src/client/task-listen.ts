/**
 * Following a task by pushed notifications (2026-07-28 `subscriptions/listen` with `taskIds`) instead of polling.
 *
 * The client asks to listen to one task; the server's acknowledgement says whether it will report on it. When it
 * does, each `notifications/tasks` carries the task as `tasks/get` would show it, so the handle never needs to poll:
 * the states come as they change and the subscription ends once the task has. When the server does not acknowledge
 * the task (a server without task notifications, a 2025-11-25 server, an unknown id), or the subscription ends
 * before the task did (the connection dropped), the handle polls, as it always could.
 */
import type { JSONRPCMessage, Client as SdkClient } from '@modelcontextprotocol/client';
import { type TaskInfo, TaskInfoSchema } from './types.js';

/** The pushed states of one task, ending when the subscription does. */
export interface PushedStates extends AsyncIterable<TaskInfo> {
  /** Stop listening (the caller is done with the task). */
  close(): Promise<void>;
}

/** Where the task notifications of one connection are sorted out, by task id. */
export class TaskNotifications {
  private readonly followers = new Map<string, Set<(task: TaskInfo) => void>>();
  /** Task ids an acknowledgement listed while their subscription was being opened. */
  private readonly acknowledged = new Set<string>();
  /** Subscriptions being opened, per task id. */
  private readonly opening = new Map<string, number>();
  /** An acknowledgement without `taskIds` arrived: the server has no task notifications, so stop asking. */
  private notOffered = false;

  /**
   * Every message the connection receives, before the SDK sees it. The SDK's `listen()` keeps neither the task ids
   * of an acknowledgement nor `notifications/tasks` (see `sdk-gaps.ts`), so they are read here.
   */
  readonly observe = (message: JSONRPCMessage): void => {
    if (!('method' in message) || 'id' in message) return;
    const params = message.params as Record<string, unknown> | undefined;
    if (message.method === 'notifications/subscriptions/acknowledged') {
      const taskIds = (params?.notifications as { taskIds?: unknown } | undefined)?.taskIds;
      if (!Array.isArray(taskIds)) {
        if (this.opening.size > 0) this.notOffered = true;
        return;
      }
      for (const taskId of taskIds) if (this.opening.has(taskId)) this.acknowledged.add(taskId);
      return;
    }
    if (message.method !== 'notifications/tasks' || !params) return;
    const { _meta: _subscription, ...fields } = params;
    const parsed = TaskInfoSchema.safeParse(fields);
    if (!parsed.success) return; // not a task we could use; polling would still see it
    for (const deliver of this.followers.get(parsed.data.taskId) ?? []) deliver(parsed.data as TaskInfo);
  };

  /**
   * Listen to `taskId`'s changes: the pushed states, or `undefined` when the server does not offer them for this
   * task (the caller polls then).
   */
  async follow(sdk: SdkClient, taskId: string, signal?: AbortSignal): Promise<PushedStates | undefined> {
    if (this.notOffered) return undefined;
    const queue: TaskInfo[] = [];
    let wake = () => {};
    let ended = false;
    const deliver = (task: TaskInfo) => {
      queue.push(task);
      wake();
    };
    let followers = this.followers.get(taskId);
    if (!followers) {
      followers = new Set();
      this.followers.set(taskId, followers);
    }
    followers.add(deliver);
    const stop = () => {
      followers.delete(deliver);
      if (followers.size === 0) this.followers.delete(taskId);
    };
    this.opening.set(taskId, (this.opening.get(taskId) ?? 0) + 1);
    let subscription: Awaited<ReturnType<SdkClient['listen']>>;
    try {
      // The SDK's filter type knows only the core notification types; the tasks extension adds `taskIds`.
      subscription = await sdk.listen({ taskIds: [taskId] } as Parameters<SdkClient['listen']>[0], {
        signal,
      });
    } catch {
      stop();
      return undefined; // no listen on this server, or refused: poll
    } finally {
      const left = (this.opening.get(taskId) ?? 1) - 1;
      if (left > 0) this.opening.set(taskId, left);
      else this.opening.delete(taskId);
    }
    const offered = this.acknowledged.has(taskId);
    if (!this.opening.has(taskId)) this.acknowledged.delete(taskId);
    if (!offered) {
      stop();
      await subscription.close();
      return undefined;
    }
    void subscription.closed.then(() => {
      ended = true;
      stop();
      wake();
    });
    return {
      close: async () => {
        stop();
        await subscription.close();
      },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const task = queue.shift();
          if (task) {
            yield task;
            continue;
          }
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
    };
  }
}
