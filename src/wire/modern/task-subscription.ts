/**
 * One task subscription (2026-07-28 `subscriptions/listen` with `taskIds`), whatever carries it: an SSE response over
 * Streamable HTTP (`task-listen.ts`), or the connection's own messages over stdio (`sdk-gaps/stdio-task-listen.ts`).
 *
 * The subscription acknowledges the tasks it reports on (only the caller's own, so a foreign id is left out exactly
 * like an unknown or expired one), then each task's current state (a change between the client's last look and the
 * acknowledgement would otherwise be lost, and a task that already ended would leave the client waiting), and one
 * `notifications/tasks` with the full DetailedTask, as `tasks/get` would show it, whenever that changes. Every
 * message carries the subscription id (the listen request's JSON-RPC id). Once every acknowledged task has ended
 * there is nothing left to report, so the subscription ends gracefully with the listen request's result; the
 * carrier ends it the same way when the server shuts down, and silently when the client has gone or cancelled.
 */
import { SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import { isTerminal, type TaskRecord } from '../../tasks/types.js';
import type { TaskListenPort, TaskListenRequest, TaskListenSink, TaskSubscription } from '../era.js';
import { isPlainObject } from '../json-body.js';
import { detailedTask } from './shapes.js';

/**
 * Watch and read the tasks of `request`: resolves once the watches are live and the acknowledged tasks are read,
 * before anything is sent. Rejects, releasing what it watched, when the task engine cannot answer.
 */
export async function subscribeToTasks(
  request: TaskListenRequest,
  port: TaskListenPort,
  serverInfo: { name: string; version: string },
): Promise<TaskSubscription> {
  const subscriptionId = request.id;
  const reporter = new TaskReporter();
  /** Changes seen before the subscription started sending. */
  const queued: Array<Record<string, unknown>> = [];
  let sink: TaskListenSink | undefined;
  /** How it was asked to end before it started. */
  let endBeforeStart: boolean | undefined;
  let over = false;
  const unwatch: Array<() => void> = [];
  const accepted: string[] = [];

  const end = (graceful: boolean) => {
    if (over) return;
    if (!sink) {
      endBeforeStart ??= graceful;
      return;
    }
    over = true;
    for (const stop of unwatch) stop();
    if (graceful) {
      sink.send({
        jsonrpc: '2.0',
        id: subscriptionId,
        result: {
          resultType: 'complete',
          _meta: { [SUBSCRIPTION_ID_META_KEY]: subscriptionId, [SERVER_INFO_META_KEY]: serverInfo },
        },
      });
    }
    sink.ended(graceful);
  };

  try {
    // Watch before reading, so no change falls between the read and the watch.
    for (const taskId of request.taskIds) {
      const owned = await port.find(taskId);
      if (!owned) continue;
      unwatch.push(
        await port.watch(taskId, (record) => {
          if (over) return;
          const note = reporter.noteFor(record);
          if (note) {
            const message = notification('notifications/tasks', note, subscriptionId);
            if (sink) sink.send(message);
            else queued.push(message);
          }
          if (sink && reporter.allEnded(accepted)) end(true);
        }),
      );
      accepted.push(taskId);
    }
    for (const taskId of accepted) {
      // Gone between the two reads (expired): nothing will change any more.
      reporter.initial.set(taskId, await port.find(taskId));
    }
  } catch (error) {
    for (const stop of unwatch) stop();
    throw error;
  }

  return {
    start(target) {
      if (sink) throw new Error('A task subscription starts once.');
      sink = target;
      // An empty list still says task notifications are served here, just for none of these ids.
      const notifications = { taskIds: accepted };
      sink.send(notification('notifications/subscriptions/acknowledged', { notifications }, subscriptionId));
      // Changes seen while reading come first: each was reported only if newer than the one before it, so the
      // current state, read after them, follows only when it is newer still.
      for (const message of queued.splice(0)) sink.send(message);
      for (const taskId of accepted) {
        const record = reporter.initial.get(taskId);
        const note = record ? reporter.noteFor(record) : reporter.markGone(taskId);
        if (note) sink.send(notification('notifications/tasks', note, subscriptionId));
      }
      if (reporter.allEnded(accepted)) end(true);
      else if (endBeforeStart !== undefined) end(endBeforeStart);
    },
    end,
  };
}

/**
 * Which states of which tasks have been reported. Watch events can arrive more than once and out of order (each is
 * a fresh read of the store after a change event), and a change may not alter what `tasks/get` shows (progress), so
 * a state is reported only when it is newer than the last one reported and differs from it.
 */
class TaskReporter {
  readonly initial = new Map<string, TaskRecord | undefined>();
  private readonly last = new Map<string, { at: number; shown: string; ended: boolean }>();

  /** The DetailedTask to report for `record`, or `undefined` when it adds nothing. */
  noteFor(record: TaskRecord): Record<string, unknown> | undefined {
    const previous = this.last.get(record.taskId);
    if (previous && (previous.ended || record.lastUpdatedAt < previous.at)) return undefined;
    const task = detailedTask(record);
    const { lastUpdatedAt: _changesOnProgress, ...content } = task;
    const shown = JSON.stringify(content);
    if (previous?.shown === shown) return undefined;
    this.last.set(record.taskId, { at: record.lastUpdatedAt, shown, ended: isTerminal(record.status) });
    return task;
  }

  /** The task expired before its state could be read: nothing more will ever be reported for it. */
  markGone(taskId: string): undefined {
    this.last.set(taskId, { at: Number.POSITIVE_INFINITY, shown: '', ended: true });
    return undefined;
  }

  allEnded(taskIds: readonly string[]): boolean {
    return taskIds.every((taskId) => this.last.get(taskId)?.ended === true);
  }
}

function notification(
  method: string,
  params: Record<string, unknown>,
  subscriptionId: string | number,
): Record<string, unknown> {
  const meta = isPlainObject(params._meta) ? params._meta : {};
  return {
    jsonrpc: '2.0',
    method,
    params: { ...params, _meta: { ...meta, [SUBSCRIPTION_ID_META_KEY]: subscriptionId } },
  };
}
