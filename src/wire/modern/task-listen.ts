/**
 * Pushed task notifications on 2026-07-28: `subscriptions/listen` with `params.notifications.taskIds`.
 *
 * The client names the tasks it wants to hear about. The stream first acknowledges the ids it will report on: only
 * the caller's own tasks, so a foreign id is left out exactly like an unknown or expired one. Then each task's
 * current state follows (a change between the client's last look and the acknowledgement would otherwise be lost,
 * and a task that already ended would leave the client waiting), and one `notifications/tasks` with the full
 * DetailedTask, as `tasks/get` would show it, whenever that changes. Every message carries the subscription id (the
 * listen request's JSON-RPC id). Once every acknowledged task has ended there is nothing left to report, so the
 * server ends the subscription gracefully with the listen request's result; it does the same when it shuts down. The
 * client ends it by closing the stream. Task progress and log messages never travel here: the extension forbids
 * `notifications/progress` and `notifications/message` for tasks on this stream.
 */
import { SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import { ProtocolError, ProtocolErrorCode, TASKS_EXTENSION, tasksExtensionRequired } from '../../errors.js';
import { isTerminal, type TaskRecord } from '../../tasks/types.js';
import { isPlainObject } from '../json-body.js';
import { detailedTask } from './shapes.js';

/** What the listen stream needs from the server: the caller's tasks, read and watched. */
export interface TaskListenPort {
  /**
   * The caller's task, or `undefined` when it is unknown, expired or another principal's. Throws a
   * `ProtocolError` when the task engine cannot answer.
   */
  find(taskId: string): Promise<TaskRecord | undefined>;
  /** Call `listener` with the fresh record on every change of the task; resolves once the watch is live. */
  watch(taskId: string, listener: (record: TaskRecord) => void): Promise<() => void>;
}

/** A `subscriptions/listen` request that asks for task notifications. */
export interface TaskListenRequest {
  id: string | number;
  taskIds: string[];
}

/** Task ids one listen request may name: each is a store read before the acknowledgement. */
export const MAX_LISTENED_TASKS = 1_000;

/** A comment frame this often keeps proxies from closing a quiet stream (the SDK's own listen streams do the same). */
const KEEP_ALIVE_MS = 15_000;

/**
 * Whether `message` is a 2026-07-28 `subscriptions/listen` request naming `taskIds` at all (well-formed or not):
 * the requests this module answers. Anything else is the SDK's to serve.
 */
export function asksForTaskNotifications(message: unknown): boolean {
  if (!isPlainObject(message) || message.method !== 'subscriptions/listen') return false;
  const params = message.params;
  return isPlainObject(params) && isPlainObject(params.notifications) && 'taskIds' in params.notifications;
}

/**
 * The listen request, checked: -32021 when this request did not declare the tasks extension (before anything else,
 * as for the other task methods), -32602 for task ids that are not a list of strings.
 */
export function readTaskListen(message: Record<string, unknown>): TaskListenRequest {
  const params = message.params as { _meta?: unknown; notifications: { taskIds?: unknown } };
  const meta = isPlainObject(params._meta) ? params._meta : {};
  const capabilities = meta['io.modelcontextprotocol/clientCapabilities'];
  const extensions = isPlainObject(capabilities) ? capabilities.extensions : undefined;
  if (!isPlainObject(extensions) || extensions[TASKS_EXTENSION] === undefined) {
    throw tasksExtensionRequired(
      `Task notifications (subscriptions/listen with taskIds) belong to the ${TASKS_EXTENSION} extension, which this request did not declare.`,
    );
  }
  const { taskIds } = params.notifications;
  if (!Array.isArray(taskIds) || !taskIds.every((id) => typeof id === 'string')) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'subscriptions/listen: notifications.taskIds must be a list of task id strings.',
    );
  }
  if (taskIds.length > MAX_LISTENED_TASKS) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `subscriptions/listen: at most ${MAX_LISTENED_TASKS} taskIds per subscription (got ${taskIds.length}); open several.`,
    );
  }
  return { id: message.id as string | number, taskIds: [...new Set(taskIds)] };
}

export interface TaskListenOptions {
  /** Fires when the client has gone (its HTTP request was aborted). */
  disconnected: AbortSignal;
  /** Fires when the server shuts down: the subscription ends gracefully. */
  shutdown: AbortSignal;
  serverInfo: { name: string; version: string };
  /** Called once the stream is over: the client has taken the subscription's result, or has gone. */
  onEnd?: () => void;
}

/**
 * Open the stream for `request`: resolves once the watches are live and the acknowledged tasks are read, with the
 * SSE response whose first message is the acknowledgement. Rejects (before any byte is sent) when the task engine
 * cannot answer.
 */
export async function openTaskListen(
  request: TaskListenRequest,
  port: TaskListenPort,
  options: TaskListenOptions,
): Promise<Response> {
  const subscriptionId = request.id;
  const reporter = new TaskReporter();
  let send: (message: Record<string, unknown>) => void = (message) => {
    reporter.queued.push(message);
  };
  const unwatch: Array<() => void> = [];
  let closed = false;
  let finish = (_graceful: boolean) => {};

  const accepted: string[] = [];
  try {
    // Watch before reading, so no change falls between the read and the watch.
    for (const taskId of request.taskIds) {
      const owned = await port.find(taskId);
      if (!owned) continue;
      unwatch.push(
        await port.watch(taskId, (record) => {
          const note = reporter.noteFor(record);
          if (note) send(notification('notifications/tasks', note, subscriptionId));
          if (reporter.allEnded(accepted)) finish(true);
        }),
      );
      accepted.push(taskId);
    }
    for (const taskId of accepted) {
      const record = await port.find(taskId);
      // Gone between the two reads (expired): nothing will change any more.
      reporter.initial.set(taskId, record);
    }
  } catch (error) {
    for (const stop of unwatch) stop();
    throw error;
  }

  const encoder = new TextEncoder();
  let keepAlive: NodeJS.Timeout | undefined;
  /** The subscription's result is queued: the stream closes once the client has taken it. */
  let ending = false;
  let close = () => {};
  const onDisconnect = () => finish(false);
  const onShutdown = () => finish(true);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (message: Record<string, unknown>) => {
        if (!closed)
          controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
      };
      close = () => {
        if (closed) return;
        closed = true;
        options.onEnd?.();
        try {
          controller.close();
        } catch {
          // Already cancelled by the reader.
        }
      };
      finish = (graceful) => {
        if (closed || ending) return;
        clearInterval(keepAlive);
        for (const stop of unwatch) stop();
        options.disconnected.removeEventListener('abort', onDisconnect);
        options.shutdown.removeEventListener('abort', onShutdown);
        if (!graceful) return close();
        ending = true;
        write({
          jsonrpc: '2.0',
          id: subscriptionId,
          result: {
            resultType: 'complete',
            _meta: { [SUBSCRIPTION_ID_META_KEY]: subscriptionId, [SERVER_INFO_META_KEY]: options.serverInfo },
          },
        });
      };
      // An empty list still says task notifications are served here, just for none of these ids.
      const notifications = { taskIds: accepted };
      write(notification('notifications/subscriptions/acknowledged', { notifications }, subscriptionId));
      for (const taskId of accepted) {
        const record = reporter.initial.get(taskId);
        const note = record ? reporter.noteFor(record) : reporter.markGone(taskId);
        if (note) write(notification('notifications/tasks', note, subscriptionId));
      }
      for (const message of reporter.queued.splice(0)) write(message);
      send = write;
      if (reporter.allEnded(accepted)) return finish(true);
      keepAlive = setInterval(() => {
        if (!closed && !ending) controller.enqueue(encoder.encode(': keepalive\n\n'));
      }, KEEP_ALIVE_MS);
      keepAlive.unref();
    },
    // Called once the client has taken everything queued: closing only then lets a server that shuts down wait
    // until the subscription's result is on its way (see `onEnd`).
    pull() {
      if (ending) close();
    },
    cancel() {
      finish(false);
      close();
    },
  });
  if (options.disconnected.aborted) onDisconnect();
  else options.disconnected.addEventListener('abort', onDisconnect, { once: true });
  if (options.shutdown.aborted) onShutdown();
  else options.shutdown.addEventListener('abort', onShutdown, { once: true });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}

/**
 * Which states of which tasks have been reported. Watch events can arrive more than once and out of order (each is
 * a fresh read of the store after a change event), and a change may not alter what `tasks/get` shows (progress), so
 * a state is reported only when it is newer than the last one reported and differs from it.
 */
class TaskReporter {
  readonly initial = new Map<string, TaskRecord | undefined>();
  readonly queued: Array<Record<string, unknown>> = [];
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
