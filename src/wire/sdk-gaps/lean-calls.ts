/**
 * What the lean `tools/call` paths share (tool-call-fast-path.ts over stateless HTTP, session-call-fast-path.ts in a
 * 2025-11-25 session): the plain calls they take, starting one through the server's own dispatch with the context
 * the SDK would give it, its log messages held until the SDK takes it over, and the outcomes whose encoding is known
 * byte for byte (a task's creation, a result of text content only).
 */
import type {
  AuthInfo,
  CallToolRequest,
  LoggingLevel,
  McpServer,
  ServerContext,
} from '@modelcontextprotocol/server';
import type { LeanToolCalls, Route, StartedToolCall, ToolCallOutcome, WireEra } from '../era.js';
import { isPlainObject } from '../json-body.js';
import {
  hasExactly,
  leanContext,
  type PlainRequest,
  plainLegacyRequest,
  plainModernRequest,
} from './plain-requests.js';
import { tracedToolCall } from './tool-calls.js';

/** Tool names the lean paths take (nothing an `Mcp-Name` header would need to encode). */
const PLAIN_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

type CallParams = CallToolRequest['params'];

/** A plain `tools/call`: its JSON-RPC id and params. */
export interface PlainCall {
  id: string | number;
  params: CallParams;
}

/**
 * `body` as a plain `tools/call` of a tool `calls` takes, on the given wire: a 2026-07-28 request with the bare
 * envelope, or a 2025-11-25 one with an optional plain `task` (in the session `sessionId`, when given).
 */
export function plainToolCall(
  request: Request,
  body: unknown,
  calls: Pick<LeanToolCalls, 'takes'>,
  encoding: 'modern' | 'legacy',
  sessionId?: string,
): PlainCall | undefined {
  // First what is cheap to tell: a call to a tool the lean paths do not take goes no further.
  if (!isPlainObject(body) || body.method !== 'tools/call' || !isPlainObject(body.params)) return undefined;
  const { name } = body.params;
  if (typeof name !== 'string' || !PLAIN_TOOL_NAME.test(name) || !calls.takes(name)) return undefined;
  if (encoding === 'modern') {
    const modern = plainModernRequest(request, body, 'tools/call', (params) => params.name);
    return modern && plainParams(modern, ['_meta']);
  }
  const legacy = plainLegacyRequest(request, body, ['tools/call'], sessionId);
  if (!legacy) return undefined;
  if (!Object.hasOwn(legacy.params, 'task')) return plainParams(legacy, []);
  return isPlainTaskParam(legacy.params.task) ? plainParams(legacy, ['task']) : undefined;
}

export interface LeanCallSetup {
  calls: LeanToolCalls;
  era: WireEra;
  request: Request;
  authInfo: AuthInfo | undefined;
  call: PlainCall;
  /** What aborts the handler until the SDK takes the call over (then its own request signal does too). */
  signal: AbortSignal;
  /**
   * `dropped`: the SDK would send nothing (a 2026-07-28 request without a log level); `held`: kept until the SDK
   * takes the call over, which then sends them as it would have.
   */
  logs: 'dropped' | 'held';
  /** The call's session: its id and long-lived SDK server. */
  session?: { id: string; server: McpServer };
  /** The routes the path serves; a call routed otherwise is left to the SDK before it runs. */
  routes?: readonly Route[];
  /** Also done when the SDK takes the call over. */
  onAdopt?: (ctx: ServerContext) => void;
}

/** A call the lean path started: its route, its outcome, and whether it logged before the SDK took it over. */
export interface LeanCall extends StartedToolCall {
  readonly route: Route;
  readonly logged: boolean;
}

/**
 * Start the call as an SDK server would run it, in the context the SDK would give it (no multi-round-trip state: a
 * plain call carries none), once it is admitted; `undefined`, with nothing run, when the SDK should answer instead.
 */
export async function startLeanCall(setup: LeanCallSetup): Promise<LeanCall | undefined> {
  const { call, request } = setup;
  const meta = setup.call.params._meta as Record<string, unknown> | undefined;
  const logs = new HeldLogs();
  const ctx = leanContext(
    {
      id: call.id,
      method: 'tools/call',
      _meta: meta,
      envelope: meta,
      signal: setup.signal,
      inputResponses: undefined,
      requestState: () => undefined,
      log:
        setup.logs === 'dropped'
          ? () => Promise.resolve()
          : (level: string, data: unknown) => logs.log(level, data),
    },
    request,
    setup.authInfo,
    setup.session?.id,
  );
  const admitted = await setup.calls.admit(setup.era, call.params, ctx, setup.session?.server);
  if (!admitted || (setup.routes && !setup.routes.includes(admitted.route))) return undefined;
  const outcome: Promise<ToolCallOutcome> = tracedToolCall(call.params, ctx, admitted.run, () => true).then(
    (result) => ({ kind: 'returned', result }),
    (error: unknown) => ({ kind: 'threw', error }),
  );
  return {
    route: admitted.route,
    outcome,
    get logged() {
      return logs.held;
    },
    adopt(sdkCtx) {
      setup.onAdopt?.(sdkCtx);
      logs.adopt(sdkCtx);
    },
  };
}

/**
 * How a 2025-11-25 call stands when the lean path must answer or hand it on: its outcome when it has ended without
 * logging, else `undefined` (still running, or it logged), for the SDK to take over. The SDK's answer is an SSE
 * stream it opens at once, so a foreground call is handed over at the end of the current event-loop turn, and then
 * reaches the client as early as it would have. A task's creation is waited for: it is short (storing the task,
 * and at most the tool's `immediateResultMs`) and has nothing to send before its answer.
 */
export async function outcomeInTime(call: LeanCall): Promise<ToolCallOutcome | undefined> {
  if (call.route === 'task') return call.outcome;
  const turn = new Promise<undefined>((resolve) => setImmediate(resolve, undefined));
  const early = await Promise.race([call.outcome, turn]);
  return early && !call.logged ? early : undefined;
}

/** A call's `ctx.log` messages, held until the SDK takes the call over, then sent through its context. */
class HeldLogs {
  private readonly pending: Array<[level: string, data: unknown]> = [];
  private ctx?: ServerContext;

  /** Whether anything was logged before the SDK took over. */
  get held(): boolean {
    return this.pending.length > 0;
  }

  log(level: string, data: unknown): Promise<void> {
    if (this.ctx) return this.ctx.mcpReq.log(level as LoggingLevel, data);
    this.pending.push([level, data]);
    return Promise.resolve();
  }

  adopt(ctx: ServerContext): void {
    this.ctx = ctx;
    for (const [level, data] of this.pending.splice(0)) {
      ctx.mcpReq.log(level as LoggingLevel, data).catch(() => undefined);
    }
  }
}

/** The SDK's 2025-11-25 result for an outcome whose encoding is known here: a `CreateTaskResult` or a text result. */
export function legacyResult(outcome: ToolCallOutcome): Record<string, unknown> | undefined {
  if (outcome.kind !== 'returned') return undefined;
  const result = outcome.result as Record<string, unknown>;
  return isPlainObject(result.task) || isTextResult(result) ? result : undefined;
}

/** `{ content }` of text blocks and nothing else: what the SDK's result validation returns as it is. */
export function isTextResult(result: Record<string, unknown>): boolean {
  return (
    hasExactly(result, ['content']) &&
    Array.isArray(result.content) &&
    result.content.every(
      (block) =>
        isPlainObject(block) &&
        hasExactly(block, ['type', 'text']) &&
        block.type === 'text' &&
        typeof block.text === 'string',
    )
  );
}

/** A 2025-11-25 `params.task` the era reads without an error: `{}` or `{ ttl }` with a positive integer. */
function isPlainTaskParam(task: unknown): boolean {
  if (!isPlainObject(task)) return false;
  if (hasExactly(task, [])) return true;
  return hasExactly(task, ['ttl']) && Number.isSafeInteger(task.ttl) && (task.ttl as number) > 0;
}

/** `name` (checked by the caller), `arguments` (an object, optional) and exactly the era's other keys. */
function plainParams(plain: PlainRequest, eraKeys: readonly string[]): PlainCall | undefined {
  const { params } = plain;
  const keys = Object.hasOwn(params, 'arguments') ? ['name', 'arguments', ...eraKeys] : ['name', ...eraKeys];
  if (!hasExactly(params, keys) || (Object.hasOwn(params, 'arguments') && !isPlainObject(params.arguments))) {
    return undefined;
  }
  return { id: plain.id, params: params as CallParams };
}
