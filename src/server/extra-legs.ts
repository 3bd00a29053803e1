/**
 * Running a resource read or prompt get that a client asked for as a task: the leg finds the registration by the
 * task's reserved name (see extra-tasks), restores the creating caller's context from the task's snapshot, and runs
 * the registered handler through the server's middleware, as `resources/read` or `prompts/get` would in the
 * foreground. It may run in a `taskmcp worker` process that loaded the same server module.
 *
 * The handlers take the SDK's per-request `ServerContext`; a task leg has no request, so it gets a stand-in whose
 * signal, progress, log and input answers are the task's, and which refuses what only a live request can do (send
 * the client a request: in a task, return `inputRequired(...)` to ask instead).
 */
import type {
  CallToolResult,
  GetPromptResult,
  ReadResourceResult,
  ServerContext,
} from '@modelcontextprotocol/server';
import { createContext, runWithContext, type TaskMCPContext } from '../context/context.js';
import { type SnapshotCodec, snapshotCodec } from '../context/encryption.js';
import { loadSnapshot } from '../context/restore.js';
import { restoredAuthInfo, restoredHttp, type TaskContextSnapshot } from '../context/snapshot.js';
import type { JsonRpcErrorObject } from '../errors.js';
import { ProtocolErrorCode, toJsonRpcError } from '../errors.js';
import type { LegOutcome, LegRun, LegRunner } from '../tasks/types.js';
import { traceLeg } from '../tracing/spans.js';
import {
  callFailure,
  type PromptRegistration,
  type Registration,
  type ResourceRegistration,
  readRegistered,
} from './ambient-calls.js';
import { findPrompt, findResource, parseExtraTaskName, parsePromptArguments } from './extra-tasks.js';
import { missingInputCapabilities, undeclaredInputError } from './input-capabilities.js';
import type { ServerLogger } from './logger.js';
import {
  type CallResults,
  type Middleware,
  type PromptCall,
  type ResourceCall,
  runLayeredMiddleware,
} from './middleware.js';
import { isInputRequiredResult } from './results.js';

export interface ExtraLegOptions {
  extras: readonly Registration[];
  middleware: readonly Middleware[];
  maskErrorDetails: boolean;
  log: ServerLogger;
  snapshots?: SnapshotCodec;
}

/** How a leg's handler run ended, in the shape `traceLeg` reads. */
type Ran =
  | { kind: 'read'; value: ReadResourceResult | GetPromptResult }
  | { kind: 'error'; error: JsonRpcErrorObject }
  | { kind: 'input_required'; ask: CallResults['resource'] };

/** The server's leg runner, extended to the legs of resource and prompt tasks; tool legs go to `runTool`. */
export function withExtraLegs(runTool: LegRunner, options: ExtraLegOptions): LegRunner {
  return (run) => {
    const target = parseExtraTaskName(run.toolName);
    return target ? runExtraLeg(run, target, options) : runTool(run);
  };
}

async function runExtraLeg(
  run: LegRun,
  target: { kind: 'resource' | 'prompt'; name: string },
  options: ExtraLegOptions,
): Promise<LegOutcome> {
  const what = `${target.kind === 'resource' ? 'Resource' : 'Prompt'} '${target.name}'`;
  const fail = (code: number, message: string): LegOutcome => ({ type: 'error', error: { code, message } });
  const uri = typeof run.args.uri === 'string' ? run.args.uri : '';
  const registration =
    target.kind === 'resource' ? findResource(options.extras, uri) : findPrompt(options.extras, target.name);
  if (!registration || registration.name !== target.name) {
    const at = target.kind === 'resource' ? ` at ${uri}` : '';
    return fail(ProtocolErrorCode.InternalError, `${what}${at} is not registered in this process.`);
  }
  const loaded = loadSnapshot(run.taskId, run.context, options.snapshots ?? snapshotCodec(undefined));
  if (!loaded.ok) {
    options.log('error', `[task ${run.taskId}] ${loaded.message}`);
    return fail(ProtocolErrorCode.InternalError, loaded.message);
  }
  const snapshot = loaded.snapshot;
  const context = legContext(run, snapshot, options.log);
  const ctx = standInContext(run, context, target.kind);
  const ran = await traceLeg(run, snapshot, async (): Promise<Ran> => {
    try {
      const value = await runWithContext(context, () =>
        registration.kind === 'resource'
          ? readInLeg(registration, new URL(uri), context, ctx, options)
          : getInLeg(registration, run.args, context, ctx, options),
      );
      if (isInputRequiredResult(value)) return { kind: 'input_required', ask: value };
      return { kind: 'read', value };
    } catch (error) {
      return { kind: 'error', error: toJsonRpcError(callFailure(target, error, options.maskErrorDetails)) };
    }
  });
  switch (ran.kind) {
    case 'error':
      return { type: 'error', error: ran.error };
    case 'read':
      // The record keeps the result of the request that created the task: here a ReadResourceResult or a
      // GetPromptResult, which `tasks/result` answers as is. (TaskRecord.result is typed for tool calls.)
      return { type: 'result', result: ran.value as unknown as CallToolResult };
    case 'input_required': {
      const asked = (ran.ask.inputRequests ?? {}) as Record<
        string,
        { method: string; params?: Record<string, unknown> }
      >;
      if (Object.keys(asked).length === 0) {
        return fail(
          ProtocolErrorCode.InternalError,
          `${what} returned an input-required result without input requests; a task can only wait for input.`,
        );
      }
      const missing = missingInputCapabilities(asked, snapshot?.clientCapabilities);
      if (missing)
        return { type: 'error', error: toJsonRpcError(undeclaredInputError(target.name, missing)) };
      const { requestState } = ran.ask;
      return {
        type: 'input_required',
        inputRequests: asked,
        requestState: typeof requestState === 'string' ? requestState : undefined,
      };
    }
  }
}

function readInLeg(
  registration: ResourceRegistration,
  uri: URL,
  context: TaskMCPContext,
  ctx: ServerContext,
  options: ExtraLegOptions,
): Promise<CallResults['resource']> {
  const call: ResourceCall = { kind: 'resource', name: registration.name, uri, context };
  return runLayeredMiddleware(options.middleware, registration.layers ?? [], call, async (passed) =>
    readRegistered(registration, passed.uri, ctx),
  );
}

async function getInLeg(
  registration: PromptRegistration,
  args: Record<string, unknown>,
  context: TaskMCPContext,
  ctx: ServerContext,
  options: ExtraLegOptions,
): Promise<CallResults['prompt']> {
  const parsed = await parsePromptArguments(registration, args);
  const call: PromptCall = { kind: 'prompt', name: registration.name, arguments: parsed, context };
  const render = registration.render as (...params: unknown[]) => CallResults['prompt'];
  return runLayeredMiddleware(options.middleware, registration.layers ?? [], call, async (passed) =>
    // The SDK calls a prompt without an argument schema with the context alone.
    registration.config.argsSchema ? render(passed.arguments, ctx) : render(ctx),
  );
}

/** The leg's own context: everything about the caller from the task's snapshot, nothing from another task. */
function legContext(
  run: LegRun,
  snapshot: TaskContextSnapshot | undefined,
  log: ServerLogger,
): TaskMCPContext {
  const now = Date.now();
  return createContext({
    requestId: snapshot?.requestId ?? run.taskId,
    toolName: '',
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
    log: async (level, message, data) => log(level, `[task ${run.taskId}] ${message}`, data),
  });
}

/** The SDK handler context a resource or prompt handler gets in a task leg (see the top of this file). */
function standInContext(run: LegRun, context: TaskMCPContext, kind: 'resource' | 'prompt'): ServerContext {
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
