/**
 * Running a resource read or prompt get that a client asked for as a task: the leg finds the registration by the
 * task's reserved name (see task-names.ts), restores the creating caller's context from the task's snapshot, and
 * runs the registered handler through the server's middleware, as `resources/read` or `prompts/get` would in the
 * foreground, with a stand-in for the SDK's request context (see stand-in-context.ts). It may run in a
 * `taskmcp worker` process that loaded the same server module.
 */
import type { GetPromptResult, ReadResourceResult, ServerContext } from '@modelcontextprotocol/server';
import { runWithContext, type TaskMCPContext } from '../../context/context.js';
import { type SnapshotCodec, snapshotCodec } from '../../context/encryption.js';
import { loadSnapshot } from '../../context/restore.js';
import type { JsonRpcErrorObject } from '../../errors.js';
import { ProtocolErrorCode, toJsonRpcError } from '../../errors.js';
import type { LegOutcome, LegRun, LegRunner } from '../../tasks/types.js';
import { traceLeg } from '../../tracing/spans.js';
import {
  callFailure,
  type PromptRegistration,
  type Registration,
  type ResourceRegistration,
  readRegistered,
} from '../ambient-calls.js';
import { missingInputCapabilities, undeclaredInputError } from '../input-capabilities.js';
import { legContext } from '../leg-context.js';
import type { ServerLogger } from '../logger.js';
import {
  type CallResults,
  type Middleware,
  type PromptCall,
  type ResourceCall,
  runLayeredMiddleware,
} from '../middleware.js';
import { isInputRequiredResult } from '../results.js';
import { standInContext } from './stand-in-context.js';
import {
  findPrompt,
  findResource,
  operationOf,
  parsePromptArguments,
  parseTaskName,
  type TargetKind,
} from './task-names.js';

export interface ResourcePromptLegOptions {
  /** The server's resources, resource templates and prompts. */
  registrations: readonly Registration[];
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
export function withResourcePromptLegs(runTool: LegRunner, options: ResourcePromptLegOptions): LegRunner {
  return (run) => {
    const target = parseTaskName(run.toolName);
    return target ? runLeg(run, target, options) : runTool(run);
  };
}

async function runLeg(
  run: LegRun,
  target: { kind: TargetKind; name: string },
  options: ResourcePromptLegOptions,
): Promise<LegOutcome> {
  const what = `${target.kind === 'resource' ? 'Resource' : 'Prompt'} '${target.name}'`;
  const fail = (code: number, message: string): LegOutcome => ({ type: 'error', error: { code, message } });
  const uri = typeof run.args.uri === 'string' ? run.args.uri : '';
  const registration =
    target.kind === 'resource'
      ? findResource(options.registrations, uri)
      : findPrompt(options.registrations, target.name);
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
  // Their `ctx.log` stays in the server log: only tool tasks' log records are watched and relayed to clients.
  const context = legContext({ ...run, log: undefined }, snapshot, options.log, '');
  const ctx = standInContext(run, context, target.kind);
  const operation = operationOf(run.toolName, run.args);
  const handle = async (): Promise<Ran> => {
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
  };
  const ran = await traceLeg(run, snapshot, handle, operation);
  switch (ran.kind) {
    case 'error':
      return { type: 'error', error: ran.error };
    case 'read':
      // The record keeps the result of the request that created the task, which `tasks/result` answers as is.
      return { type: 'result', result: ran.value };
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
  options: ResourcePromptLegOptions,
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
  options: ResourcePromptLegOptions,
): Promise<CallResults['prompt']> {
  const parsed = await parsePromptArguments(registration, args);
  const call: PromptCall = { kind: 'prompt', name: registration.name, arguments: parsed, context };
  const render = registration.render as (...params: unknown[]) => CallResults['prompt'];
  return runLayeredMiddleware(options.middleware, registration.layers ?? [], call, async (passed) =>
    // The SDK calls a prompt without an argument schema with the context alone.
    registration.config.argsSchema ? render(passed.arguments, ctx) : render(ctx),
  );
}
