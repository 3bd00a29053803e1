import type { CallToolResult, InputRequiredResult, StandardSchemaV1 } from '@modelcontextprotocol/server';
import { runWithContext, type TaskMCPContext } from '../context/context.js';
import { withDependencies } from '../deps/dependencies.js';
import { type JsonRpcErrorObject, ProtocolError, ProtocolErrorCode, toJsonRpcError } from '../errors.js';
import { type Continuation, isCancellation, isContinuation } from './continuation.js';
import { type CallResults, type Middleware, runLayeredMiddleware, type ToolCall } from './middleware.js';
import type { ToolDefinition } from './registry.js';
import { errorResult, isInputRequiredResult, toCallToolResult } from './results.js';

/** How one run of a tool handler ended, before any foreground- or task-specific mapping. */
export type HandlerOutcome =
  | { kind: 'result'; result: CallToolResult }
  | { kind: 'input_required'; ask: InputRequiredResult }
  /** A protocol fault (`ProtocolError`): a JSON-RPC error in the foreground, a `failed` task otherwise. */
  | { kind: 'error'; error: JsonRpcErrorObject; cause: ProtocolError }
  /** Anything else the handler threw: an `isError` result (after retries, for a task). */
  | { kind: 'thrown'; message: string; result: CallToolResult };

/**
 * A task leg ends and asks to run again later (see `continueLater`), or ends its task cancelled (`endCancelled`);
 * only when the caller accepts continuations.
 */
export type ContinueOutcome =
  | { kind: 'continue'; continuation: Continuation }
  | { kind: 'cancelled'; statusMessage: string };

interface RunOptions {
  maskErrorDetails: boolean;
  middleware?: readonly Middleware[];
  /** A task leg: the handler may end it with a continuation (anywhere else that is a fault of the tool). */
  continuations?: boolean;
}

/**
 * Run a tool handler through the server's middleware (then that of the servers it was mounted from) with `context`
 * ambient and its dependencies entered around it (inside the middleware, so one that answers by itself starts none),
 * and classify how it ended. A dependency that fails to start counts as the handler throwing, and so does a
 * middleware that throws. Never throws.
 */
export async function runHandler(
  tool: ToolDefinition,
  args: unknown,
  context: TaskMCPContext,
  options: RunOptions & { continuations: true },
): Promise<HandlerOutcome | ContinueOutcome>;
export async function runHandler(
  tool: ToolDefinition,
  args: unknown,
  context: TaskMCPContext,
  options: RunOptions,
): Promise<HandlerOutcome>;
export async function runHandler(
  tool: ToolDefinition,
  args: unknown,
  context: TaskMCPContext,
  options: RunOptions,
): Promise<HandlerOutcome | ContinueOutcome> {
  const call: ToolCall = {
    kind: 'tool',
    name: tool.name,
    arguments: args as Record<string, unknown>,
    context,
  };
  const handler = async (passed: ToolCall): Promise<CallResults['tool']> => {
    const value = await withDependencies(
      tool.config.depends,
      context,
      async (values) => {
        // A fresh object per invocation: the context's members plus this invocation's dependency values.
        const handlerContext = tool.config.depends ? Object.freeze({ ...context, ...values }) : context;
        return tool.handler(passed.arguments as never, handlerContext as never);
      },
      (name, error) =>
        void context
          .warn(
            `cleanup of dependency '${name}' failed: ${error instanceof Error ? error.message : String(error)}`,
          )
          .catch(() => {}),
    );
    // A continuation or cancellation passes through the middleware untouched, like an input-required result.
    if (isContinuation(value) || isCancellation(value)) return value as unknown as CallResults['tool'];
    return isInputRequiredResult(value) ? value : toCallToolResult(value);
  };
  try {
    const value = await runWithContext(context, () =>
      runLayeredMiddleware(options.middleware ?? [], tool.layers ?? [], call, handler),
    );
    if (isContinuation(value) || isCancellation(value)) {
      if (options.continuations) {
        return isContinuation(value)
          ? { kind: 'continue', continuation: value }
          : { kind: 'cancelled', statusMessage: value.statusMessage };
      }
      const asked = isContinuation(value) ? 'to continue later' : 'to end its task cancelled';
      const error = new ProtocolError(
        ProtocolErrorCode.InternalError,
        `Tool '${tool.name}' asked ${asked}, which only a task leg can do.`,
      );
      return { kind: 'error', error: toJsonRpcError(error), cause: error };
    }
    if (isInputRequiredResult(value)) return { kind: 'input_required', ask: value };
    const result = toCallToolResult(value);
    const invalid = await outputProblem(tool, result);
    if (invalid) {
      const error = new ProtocolError(ProtocolErrorCode.InvalidParams, invalid);
      return { kind: 'error', error: toJsonRpcError(error), cause: error };
    }
    return { kind: 'result', result };
  } catch (error) {
    if (error instanceof ProtocolError) return { kind: 'error', error: toJsonRpcError(error), cause: error };
    return {
      kind: 'thrown',
      message: error instanceof Error ? error.message : String(error),
      result: errorResult(error, { maskErrorDetails: options.maskErrorDetails, toolName: tool.name }),
    };
  }
}

/**
 * Validate wire arguments with the tool's schema. The foreground and every task leg validate through this one
 * function, so a handler sees identically parsed arguments wherever it runs.
 */
export async function parseArguments(
  tool: ToolDefinition,
  args: Record<string, unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const schema = tool.config.input as StandardSchemaV1 | undefined;
  if (!schema) return { ok: true, value: args };
  const result = await schema['~standard'].validate(args);
  if (!result.issues) return { ok: true, value: result.value };
  return {
    ok: false,
    message: `Invalid arguments for tool '${tool.name}': ${describeIssues(result.issues)}`,
  };
}

/**
 * One signal for everything that should stop a handler: the caller's own signal(s) and, when the tool has a
 * `timeoutMs`, a deadline. The reason says which fired.
 */
export function withDeadline(
  signals: AbortSignal[],
  timeoutMs: number | undefined,
): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  // One controller with plain listeners, removed on dispose: this runs on every call, and `AbortSignal.any` costs a
  // new signal plus weak-reference bookkeeping each time (it showed in the foreground benchmark's profile).
  const combined = new AbortController();
  const follow = (event: Event) => combined.abort((event.target as AbortSignal).reason);
  for (const signal of signals) {
    if (signal.aborted) {
      combined.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', follow, { once: true });
  }
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          combined.abort(new ProtocolError(-32001, `The tool timed out after ${timeoutMs} ms.`));
        }, timeoutMs);
  return {
    signal: combined.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', follow);
    },
  };
}

/** Why a result does not match the tool's output schema, or `undefined` when it does (or there is none). */
async function outputProblem(tool: ToolDefinition, result: CallToolResult): Promise<string | undefined> {
  const schema = tool.config.output as StandardSchemaV1 | undefined;
  if (!schema || result.isError) return undefined;
  if (result.structuredContent === undefined) {
    return `Tool '${tool.name}' has an output schema but returned no structured content.`;
  }
  const checked = await schema['~standard'].validate(result.structuredContent);
  return checked.issues
    ? `Tool '${tool.name}' returned structured content that does not match its output schema: ${describeIssues(checked.issues)}`
    : undefined;
}

function describeIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .map((issue) => {
      const path = issue.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
