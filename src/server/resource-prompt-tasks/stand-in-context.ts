/**
 * The contexts a resource or prompt handler runs with in a task leg. The handlers take the SDK's per-request
 * `ServerContext`; a task leg has no request, so it gets a stand-in whose signal, progress, log and input answers are
 * the task's, and which refuses what only a live request can do (send the client a request: in a task, return
 * `inputRequired(...)` to ask instead). `getContext()` answers with the leg's own context, restored from the task's
 * snapshot.
 */
import type { ServerContext } from '@modelcontextprotocol/server';
import type { TaskMCPContext } from '../../context/context.js';
import type { LegRun } from '../../tasks/types.js';
import type { TargetKind } from './task-names.js';

/** The SDK handler context a resource or prompt handler gets in a task leg (see the top of this file). */
export function standInContext(run: LegRun, context: TaskMCPContext, kind: TargetKind): ServerContext {
  const method = kind === 'resource' ? 'resources/read' : 'prompts/get';
  const refuse = async (): Promise<never> => {
    throw new Error(
      `A ${method} running as task ${run.taskId} cannot send the client a request; return inputRequired(...) to ask for input.`,
    );
  };
  const notify = async (notification: { method: string; params?: Record<string, unknown> }) => {
    if (notification.method !== 'notifications/progress') return refuse();
    const { progress, total, message } = notification.params ?? {};
    await context.reportProgress(
      Number(progress),
      typeof total === 'number' ? total : undefined,
      typeof message === 'string' ? message : undefined,
    );
  };
  return {
    sessionId: context.sessionId,
    mcpReq: {
      id: context.requestId,
      method,
      inputResponses: run.inputResponses,
      requestState: <T>() => run.requestState as T | undefined,
      signal: run.signal,
      send: refuse as ServerContext['mcpReq']['send'],
      notify: notify as ServerContext['mcpReq']['notify'],
      log: (level, data) =>
        context.log(level, typeof data === 'string' ? data : JSON.stringify(data), undefined),
      elicitInput: refuse,
      requestSampling: refuse,
    },
    // The live HTTP request is gone; handlers read the restored one with getHttpRequest()/getHttpHeaders().
    http: { authInfo: context.authInfo },
  };
}
