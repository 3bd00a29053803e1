/**
 * Task notifications of the 2025-11-25 era: `notifications/tasks/status` on every status change,
 * `notifications/progress` with the creating request's `progressToken` for the task's whole life, stopping at the
 * terminal status, and the handler's log records as `notifications/message` with the related-task `_meta`.
 *
 * Progress is reported wherever the task runs (possibly a worker process); the engine stores it on the record and
 * announces the change on its event bus, so any front end can follow a task. A relay turns the records it sees into
 * notifications on one stream: a stdio connection for its own tasks, or the `tasks/result` stream of a stateless
 * HTTP client, which has no other stream after the `tools/call` response.
 */
import type { AuthInfo, McpServer } from '@modelcontextprotocol/server';
import { ProtocolError, taskNotFound } from '../../errors.js';
import type { TaskLogRecord } from '../../tasks/seams.js';
import { isTerminal, type TaskRecord, type TaskStatus } from '../../tasks/types.js';
import type { TaskOperations } from '../era.js';
import { legacyStatus, legacyTask, relatedTaskMeta } from './shapes.js';

/** Sends one notification on the relay's stream. */
export type NotificationSink = (notification: {
  method: string;
  params: Record<string, unknown>;
}) => Promise<void>;

/** How often a follower re-reads the task anyway: the event bus is best effort, the store is the truth. */
const REREAD_MS = 1_000;

/** Turns successive records of one task into the notifications the client has not seen yet. */
export class NotificationRelay {
  private status: TaskStatus;
  private lastProgress?: number;
  private ended = false;

  /**
   * `seen` is the record the client already knows (the one in `CreateTaskResult`, or the state when a
   * `tasks/result` stream opened); `replayProgress` sends its progress once, for a stream that missed it.
   */
  constructor(
    private readonly send: NotificationSink,
    seen: TaskRecord,
    options: { replayProgress?: boolean } = {},
  ) {
    this.status = legacyStatus(seen);
    if (!options.replayProgress) this.lastProgress = seen.progress?.progress;
  }

  get done(): boolean {
    return this.ended;
  }

  async relay(record: TaskRecord): Promise<void> {
    if (this.ended) return;
    const status = legacyStatus(record);
    // Progress belongs to the live task: none once it is terminal, and progress values only ever increase.
    const token = record.progressToken;
    const progress = record.progress;
    if (
      !isTerminal(status) &&
      token !== undefined &&
      progress &&
      (this.lastProgress === undefined || progress.progress > this.lastProgress)
    ) {
      this.lastProgress = progress.progress;
      await this.send({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress: progress.progress,
          ...(progress.total === undefined ? {} : { total: progress.total }),
          ...(progress.message === undefined ? {} : { message: progress.message }),
        },
      });
    }
    if (status !== this.status) {
      this.status = status;
      await this.send({ method: 'notifications/tasks/status', params: legacyTask(record) });
    }
    if (isTerminal(status)) this.ended = true;
  }
}

/**
 * The records of one task as they change, starting with the current one, in order (a record older than one already
 * yielded is dropped). Ends when `signal` fires; throws the not-found error once the task is gone (expired).
 */
export async function* followTask(
  tasks: TaskOperations,
  taskId: string,
  authInfo: AuthInfo | undefined,
  signal?: AbortSignal,
): AsyncGenerator<TaskRecord> {
  const pending: Array<TaskRecord | null> = [];
  let wake: (() => void) | undefined;
  const push = (record: TaskRecord | null) => {
    pending.push(record);
    wake?.();
  };
  // Not found (expired) ends the follow; any other failure (a store hiccup) waits for the next event or re-read.
  const reread = () =>
    tasks.find(taskId, authInfo).then(push, (error: unknown) => {
      if (error instanceof ProtocolError) push(null);
    });
  const unwatch = await tasks.watch(taskId, push);
  const timer = setInterval(reread, REREAD_MS);
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    await reread(); // after the watch is live, so no change falls between the two
    let last: TaskRecord | undefined;
    while (!signal?.aborted) {
      const record = pending.shift();
      if (record === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (record === null) throw taskNotFound(taskId);
      if (last && record.lastUpdatedAt < last.lastUpdatedAt) continue;
      last = record;
      yield record;
    }
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
    unwatch();
  }
}

/**
 * Relay a task's notifications on a stream the server holds for the client's whole connection (stdio), from
 * creation until the task ends or `signal` fires (the connection closed).
 */
export async function relayForConnection(
  tasks: TaskOperations,
  created: TaskRecord,
  authInfo: AuthInfo | undefined,
  send: NotificationSink,
  signal: AbortSignal,
): Promise<void> {
  const relay = new NotificationRelay(send, created);
  for await (const record of followTask(tasks, created.taskId, authInfo, signal)) {
    await relay.relay(record);
    if (relay.done) return;
  }
}

/**
 * Send a log record of task `taskId` on a connection (stdio, an HTTP session) as `notifications/message` with the
 * related-task `_meta` (the spec asks it of every notification related to a task), at the level the connection's
 * client set with `logging/setLevel`, as the SDK does for foreground calls.
 */
export function sendTaskLog(server: McpServer, taskId: string, entry: TaskLogRecord): Promise<void> {
  return server.server.sendLoggingMessage(
    {
      level: entry.level,
      data: entry.data,
      ...(entry.logger === undefined ? {} : { logger: entry.logger }),
      _meta: relatedTaskMeta(taskId),
    },
    server.server.transport?.sessionId,
  );
}
