/**
 * The spans taskmcp makes, one function per kind, called from the few places that dispatch requests and run legs:
 *
 * - `tools/call {tool}` and `tasks/get` (`tasks/update`, `tasks/cancel`, …): one SERVER span per request, a child of
 *   the trace context in the request's `_meta` (SEP-414), else of the ambient span (HTTP instrumentation), else of
 *   the HTTP `traceparent` header;
 * - `create_task {tool}`: storing a new task, inside its `tools/call`;
 * - `queue_wait {tool}` and `execute_tool {tool}`: in whichever process runs the leg, from when the leg was queued
 *   to when it started, and the handler's run. Both are children of the `tools/call` that created the task: its
 *   span context travels in the task's context snapshot (`traceparent`), so one trace spans front end and worker.
 *   The leg of a 2025-11-25 resource or prompt task is named as the conventions name that request instead:
 *   `resources/read` (the URI in `mcp.resource.uri`, never in the name) or `prompts/get {prompt}`, each after its
 *   `queue_wait`.
 *
 * Each function runs its work as is when tracing is off: no API, or no tracer provider nor propagator registered
 * (`tracing()` in load.ts), and never changes what the work returns or throws.
 */
import { PROTOCOL_VERSION_META_KEY, type ServerContext } from '@modelcontextprotocol/server';
import type { Attributes, Context, Link, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import type { LegRun } from '../tasks/types.js';
import * as attr from './attributes.js';
import { type OtelApi, tracing } from './load.js';

let tracer: { of: unknown; tracer: Tracer } | undefined;
/**
 * The tracer of the global provider, taken again when that changes. The global provider is the API's proxy, whose
 * tracers follow a provider registered later; but `trace.disable()` replaces the proxy, and a tracer taken while a
 * provider was registered stays that provider's.
 */
const tracerOf = (api: OtelApi): Tracer => {
  const provider = api.trace.getTracerProvider();
  if (tracer?.of !== provider) tracer = { of: provider, tracer: provider.getTracer('taskmcp') };
  return tracer.tracer;
};
/** What JSON-RPC answers for anything thrown without a code of its own. */
const INTERNAL_ERROR = -32603;

/** What a request span is about, beyond its method. */
export interface RequestTarget {
  tool?: string;
  taskId?: string;
}

/** Run the handler of one MCP request in a SERVER span. */
export function traceRequest<T>(
  ctx: ServerContext,
  target: RequestTarget,
  handle: () => Promise<T>,
): Promise<T> {
  const api = tracing();
  if (!api) return handle();
  const method = ctx.mcpReq.method;
  const { parent, links } = requestParent(api, ctx);
  const span = tracerOf(api).startSpan(
    target.tool ? `${method} ${target.tool}` : method,
    { kind: api.SpanKind.SERVER, attributes: requestAttributes(ctx, target), links },
    parent,
  );
  return traced(api, span, api.context.with(api.trace.setSpan(parent, span), handle), (result) => {
    const taskId = createdTaskId(result);
    if (taskId) span.setAttribute(attr.TASK_ID, taskId);
    return (result as { isError?: unknown } | undefined)?.isError === true
      ? { errorType: attr.TOOL_ERROR }
      : {};
  });
}

/**
 * Store a new task in a PRODUCER span, inside the current request's span: `create_task {tool}`, or for a resource or
 * prompt task `create_task resources/read` / `create_task prompts/get {prompt}` (named as its leg is).
 */
export function traceTaskCreation<T extends { taskId: string }>(
  taskName: string,
  operation: LegOperation,
  create: () => Promise<T>,
): Promise<T> {
  const api = tracing();
  if (!api) return create();
  const active = api.context.active();
  const { target, attributes } = operationIdentity(taskName, operation);
  const span = tracerOf(api).startSpan(
    `create_task ${target}`,
    { kind: api.SpanKind.PRODUCER, attributes },
    active,
  );
  return traced(api, span, api.context.with(api.trace.setSpan(active, span), create), (record) => {
    span.setAttribute(attr.TASK_ID, record.taskId);
    return {};
  });
}

/**
 * The W3C trace context of the current span, to hand downstream (a task's snapshot, a handler's `ctx.traceparent`),
 * or `undefined` when nothing is traced here: no API, no SDK, or no propagator that writes `traceparent`.
 */
export function currentTraceContext(): { traceparent: string; tracestate?: string } | undefined {
  const api = tracing();
  if (!api) return undefined;
  const active = api.context.active();
  const current = api.trace.getSpanContext(active);
  if (!current || !api.isSpanContextValid(current)) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(active, carrier);
  return carrier.traceparent
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : undefined;
}

/**
 * The names and attributes of a leg's spans: `name` for its run (with `runAttributes`), `target` after `queue_wait`,
 * `attributes` on both. A resource's URI is no span name: the conventions keep high-cardinality values out of them.
 */
function legIdentity(
  run: LegRun,
  operation: LegOperation,
): { name: string; target: string; attributes: Attributes; runAttributes: Attributes } {
  const { target, attributes } = operationIdentity(run.toolName, operation);
  return operation.kind === 'tool'
    ? {
        name: `execute_tool ${target}`,
        target,
        attributes,
        runAttributes: { [attr.GEN_AI_OPERATION_NAME]: attr.EXECUTE_TOOL },
      }
    : { name: target, target, attributes, runAttributes: {} };
}

/** What a task runs, as its span names and attributes say it: the tool, or the request a resource/prompt task made. */
function operationIdentity(
  taskName: string,
  operation: LegOperation,
): { target: string; attributes: Attributes } {
  switch (operation.kind) {
    case 'tool':
      return { target: taskName, attributes: { [attr.GEN_AI_TOOL_NAME]: taskName } };
    case 'resource':
      return {
        target: RESOURCES_READ,
        attributes: { [attr.MCP_METHOD_NAME]: RESOURCES_READ, [attr.MCP_RESOURCE_URI]: operation.uri },
      };
    case 'prompt':
      return {
        target: `${PROMPTS_GET} ${operation.name}`,
        attributes: { [attr.MCP_METHOD_NAME]: PROMPTS_GET, [attr.GEN_AI_PROMPT_NAME]: operation.name },
      };
  }
}

const RESOURCES_READ = 'resources/read';
const PROMPTS_GET = 'prompts/get';

/** How a handler run ended, as far as its span cares (a `HandlerOutcome`). */
interface RunOutcome {
  kind: string;
  result?: { isError?: boolean };
  error?: { code: number; message: string };
}

/**
 * What a leg runs, which names its spans: a tool's handler (the default), or on the 2025-11-25 era the read of the
 * resource at `uri` or the get of the prompt `name`, whose tasks are filed under reserved names.
 */
export type LegOperation =
  | { kind: 'tool' }
  | { kind: 'resource'; uri: string }
  | { kind: 'prompt'; name: string };

/**
 * Run one leg of a task: a `queue_wait` span from `run.queuedAt` to now, then the handler in an `execute_tool` span
 * (`resources/read`, `prompts/get {prompt}`: see the top of this file), both children of the span context the task's
 * snapshot carries. The root context, not the ambient one, is the fallback: a queue consumer started inside some
 * request would otherwise adopt every leg into that request's trace.
 */
export function traceLeg<T extends RunOutcome>(
  run: LegRun,
  caller: { traceparent?: string; tracestate?: string; sessionId?: string } | undefined,
  execute: () => Promise<T>,
  operation: LegOperation = { kind: 'tool' },
): Promise<T> {
  const api = tracing();
  if (!api) return execute();
  const carrier: Record<string, string> = {};
  if (caller?.traceparent) carrier.traceparent = caller.traceparent;
  if (caller?.tracestate) carrier.tracestate = caller.tracestate;
  const parent = api.propagation.extract(api.ROOT_CONTEXT, carrier);
  const leg = legIdentity(run, operation);
  const attributes: Attributes = {
    ...leg.attributes,
    [attr.TASK_ID]: run.taskId,
    [attr.TASK_LEG]: run.leg,
    [attr.TASK_ATTEMPT]: run.attempt,
  };
  if (caller?.sessionId) attributes[attr.MCP_SESSION_ID] = caller.sessionId;
  const legTracer = tracerOf(api);
  if (run.queuedAt !== undefined) {
    legTracer.startSpan(`queue_wait ${leg.target}`, { startTime: run.queuedAt, attributes }, parent).end();
  }
  const span = legTracer.startSpan(leg.name, { attributes: { ...attributes, ...leg.runAttributes } }, parent);
  return traced(api, span, api.context.with(api.trace.setSpan(parent, span), execute), (outcome) => {
    if (outcome.kind === 'error' && outcome.error) {
      return { errorType: String(outcome.error.code), message: outcome.error.message };
    }
    return outcome.kind === 'thrown' || outcome.result?.isError ? { errorType: attr.TOOL_ERROR } : {};
  });
}

/** How the work of a span ended: `errorType` set means it failed (`code` is a JSON-RPC error answered). */
interface Ending {
  errorType?: string;
  code?: number;
  message?: string;
}

async function traced<T>(
  api: OtelApi,
  span: Span,
  running: Promise<T>,
  ending: (value: T) => Ending,
): Promise<T> {
  try {
    const value = await running;
    finish(api, span, ending(value));
    return value;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const rpcCode = typeof code === 'number' ? code : INTERNAL_ERROR;
    const message = error instanceof Error ? error.message : String(error);
    finish(api, span, { errorType: String(rpcCode), code: rpcCode, message });
    throw error;
  }
}

function finish(api: OtelApi, span: Span, ending: Ending): void {
  if (ending.errorType !== undefined) {
    span.setAttribute(attr.ERROR_TYPE, ending.errorType);
    if (ending.code !== undefined) span.setAttribute(attr.RPC_RESPONSE_STATUS_CODE, String(ending.code));
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: ending.message });
  }
  span.end();
}

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => {
    const names: string[] = [];
    headers.forEach((_value, name) => {
      names.push(name);
    });
    return names;
  },
};

/**
 * The parent of a request span, as the MCP conventions say: the trace context in `_meta` when the client sent one
 * (linking the ambient span, e.g. of HTTP instrumentation), else the ambient span, else the HTTP headers.
 */
function requestParent(api: OtelApi, ctx: ServerContext): { parent: Context; links: Link[] } {
  const ambient = api.context.active();
  const ambientSpan = api.trace.getSpanContext(ambient);
  const inSpan = ambientSpan !== undefined && api.isSpanContextValid(ambientSpan);
  const meta = ctx.mcpReq._meta as Record<string, unknown> | undefined;
  if (typeof meta?.traceparent === 'string') {
    return {
      parent: api.propagation.extract(ambient, meta),
      links: inSpan ? [{ context: ambientSpan }] : [],
    };
  }
  const headers = ctx.http?.req?.headers;
  if (inSpan || !headers) return { parent: ambient, links: [] };
  return { parent: api.propagation.extract(ambient, headers, headerGetter), links: [] };
}

function requestAttributes(ctx: ServerContext, target: RequestTarget): Attributes {
  const attributes: Attributes = {
    [attr.MCP_METHOD_NAME]: ctx.mcpReq.method,
    [attr.JSONRPC_REQUEST_ID]: String(ctx.mcpReq.id),
  };
  if (ctx.sessionId) attributes[attr.MCP_SESSION_ID] = ctx.sessionId;
  const request = ctx.http?.req;
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const version = envelope?.[PROTOCOL_VERSION_META_KEY] ?? request?.headers.get('mcp-protocol-version');
  if (typeof version === 'string') attributes[attr.MCP_PROTOCOL_VERSION] = version;
  if (request) {
    attributes[attr.NETWORK_TRANSPORT] = 'tcp';
    attributes[attr.NETWORK_PROTOCOL_NAME] = 'http';
  }
  if (target.tool) {
    attributes[attr.GEN_AI_TOOL_NAME] = target.tool;
    attributes[attr.GEN_AI_OPERATION_NAME] = attr.EXECUTE_TOOL;
  }
  if (target.taskId) attributes[attr.TASK_ID] = target.taskId;
  return attributes;
}

/** The task a `tools/call` result hands back: flat on 2026-07-28, nested under `task` on 2025-11-25. */
function createdTaskId(result: unknown): string | undefined {
  const value = result as { resultType?: unknown; taskId?: unknown; task?: { taskId?: unknown } } | undefined;
  if (value?.resultType === 'task' && typeof value.taskId === 'string') return value.taskId;
  return typeof value?.task?.taskId === 'string' ? value.task.taskId : undefined;
}
