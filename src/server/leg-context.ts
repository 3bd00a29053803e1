/**
 * The context a task leg runs in, wherever it runs: everything about the caller comes from the task's own snapshot,
 * nothing from a previous task on this worker. Tool legs and resource/prompt legs build it the same way.
 */
import { createContext, type TaskMCPContext } from '../context/context.js';
import { restoredAuthInfo, restoredHttp, type TaskContextSnapshot } from '../context/snapshot.js';
import type { LegRun } from '../tasks/types.js';
import type { ServerLogger } from './logger.js';

/**
 * `toolName` is what `ctx.toolName` says (empty for a resource or prompt). `ctx.log` goes to the server log, and to
 * the client that created the task through `run.log` when the leg carries one (where its era allows it).
 */
export function legContext(
  run: LegRun,
  snapshot: TaskContextSnapshot | undefined,
  log: ServerLogger,
  toolName: string,
): TaskMCPContext {
  const now = Date.now();
  return createContext({
    requestId: snapshot?.requestId ?? run.taskId,
    toolName,
    taskId: run.taskId,
    attempt: run.attempt,
    signal: run.signal,
    inputResponses: run.inputResponses,
    requestState: run.requestState,
    authInfo: snapshot ? restoredAuthInfo(snapshot, now) : undefined,
    sessionId: snapshot?.sessionId,
    traceparent: snapshot?.traceparent,
    clientCapabilities: snapshot?.clientCapabilities,
    http: snapshot ? restoredHttp(snapshot, now) : undefined,
    reportProgress: run.reportProgress,
    log: async (level, message, data) => {
      log(level, `[task ${run.taskId}] ${message}`, data);
      await run.log?.({ level, data: data === undefined ? message : { message, data } });
    },
  });
}
