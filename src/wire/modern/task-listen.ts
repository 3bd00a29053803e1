/**
 * Pushed task notifications on 2026-07-28 over Streamable HTTP: `subscriptions/listen` with
 * `params.notifications.taskIds`, answered with an SSE stream that carries one task subscription
 * (`task-subscription.ts` says what it reports and when it ends). The client ends it by closing the stream. Task
 * progress and log messages never travel here: the extension forbids `notifications/progress` and
 * `notifications/message` for tasks on this stream.
 */
import { ProtocolError, ProtocolErrorCode, TASKS_EXTENSION, tasksExtensionRequired } from '../../errors.js';
import { declaresTasksExtension } from '../../protocol.js';
import type { TaskListenOptions, TaskListenPort, TaskListenRequest } from '../era.js';
import { isPlainObject } from '../json-body.js';
import { subscribeToTasks } from './task-subscription.js';

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
  if (!declaresTasksExtension(meta['io.modelcontextprotocol/clientCapabilities'])) {
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
  const subscription = await subscribeToTasks(request, port, options.serverInfo);
  const encoder = new TextEncoder();
  let keepAlive: NodeJS.Timeout | undefined;
  let closed = false;
  /** The subscription's result is queued: the stream closes once the client has taken it. */
  let ending = false;
  let over = false;
  let close = () => {};
  const onDisconnect = () => subscription.end(false);
  const onShutdown = () => subscription.end(true);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
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
      subscription.start({
        send(message) {
          if (!closed)
            controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
        },
        ended(graceful) {
          over = true;
          clearInterval(keepAlive);
          options.disconnected.removeEventListener('abort', onDisconnect);
          options.shutdown.removeEventListener('abort', onShutdown);
          if (graceful) ending = true;
          else close();
        },
      });
      if (over) return;
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
      subscription.end(false);
      close();
    },
  });
  if (!over) {
    if (options.disconnected.aborted) onDisconnect();
    else options.disconnected.addEventListener('abort', onDisconnect, { once: true });
    if (options.shutdown.aborted) onShutdown();
    else options.shutdown.addEventListener('abort', onShutdown, { once: true });
  }
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
