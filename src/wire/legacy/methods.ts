/**
 * The 2025-11-25 task methods: `tasks/get` (the flat Task), `tasks/result` (blocks until the task ends, relaying
 * notifications and input requests meanwhile), `tasks/list` (the caller's tasks, paginated) and `tasks/cancel`
 * (answers with the task already `cancelled`; a terminal task is -32602). Lookups go through the task service,
 * so another principal's task answers exactly like an unknown one.
 */
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode } from '../../errors.js';
import { isTerminal } from '../../tasks/types.js';
import type { ServingUnit, TaskOperations, WireLogger } from '../era.js';
import { sendNotification, serveTaskMethod } from '../sdk-gaps/index.js';
import { InputForwarder } from './input.js';
import { followTask, NotificationRelay } from './notifications.js';
import { legacyStatus, legacyTask, taskPayload } from './shapes.js';

const TaskIdParams = z.looseObject({ taskId: z.string().min(1) });
const ListParams = z.looseObject({ cursor: z.string().optional() });

export interface LegacyMethodOptions {
  tasks: TaskOperations;
  unit: ServingUnit;
  log: WireLogger;
  /** Whether this serving unit already relays the task's notifications on a connection (stdio). */
  relaysOnConnection: (taskId: string) => boolean;
}

export function serveLegacyTaskMethods(server: McpServer, options: LegacyMethodOptions): void {
  const { tasks } = options;

  serveTaskMethod(server, 'tasks/get', TaskIdParams, async ({ taskId }, ctx) =>
    legacyTask(await tasks.find(taskId, ctx.http?.authInfo)),
  );

  serveTaskMethod(
    server,
    'tasks/result',
    TaskIdParams,
    ({ taskId }, ctx) => awaitResult(server, taskId, ctx, options) as Promise<Record<string, unknown>>,
  );

  serveTaskMethod(server, 'tasks/list', ListParams, async ({ cursor }, ctx) => {
    const page = await tasks.list(ctx.http?.authInfo, cursor);
    return {
      tasks: page.records.map(legacyTask),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  });

  serveTaskMethod(server, 'tasks/cancel', TaskIdParams, async ({ taskId }, ctx) => {
    const authInfo = ctx.http?.authInfo;
    const current = await tasks.find(taskId, authInfo);
    if (isTerminal(legacyStatus(current))) throw cannotCancel(legacyStatus(current));
    const record = await tasks.cancel(taskId, authInfo);
    // It may have ended on its own between the read and the cancel.
    if (record.status !== 'cancelled') throw cannotCancel(legacyStatus(record));
    return legacyTask(record);
  });
}

function cannotCancel(status: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `Cannot cancel task: already in terminal status '${status}'.`,
  );
}

/** `tasks/result`: follow the task until it ends, then answer what the `tools/call` would have answered. */
async function awaitResult(
  server: McpServer,
  taskId: string,
  ctx: ServerContext,
  options: LegacyMethodOptions,
) {
  const { tasks } = options;
  const authInfo = ctx.http?.authInfo;
  const opened = await tasks.find(taskId, authInfo);
  if (isTerminal(opened.status)) return taskPayload(opened);
  const relay = options.relaysOnConnection(taskId)
    ? undefined
    : new NotificationRelay((notification) => sendNotification(ctx, notification), opened, {
        replayProgress: true,
      });
  const input = new InputForwarder(tasks, server, ctx, options.unit, options.log);
  for await (const record of followTask(tasks, taskId, authInfo, ctx.mcpReq.signal)) {
    await relay?.relay(record).catch(() => {}); // a lost notification must not lose the result
    if (isTerminal(record.status)) return taskPayload(record);
    if (record.status === 'input_required') input.forward(record);
  }
  throw new ProtocolError(ProtocolErrorCode.InternalError, 'tasks/result was cancelled by the client.');
}
