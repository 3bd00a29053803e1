/**
 * A lean path for a plain `tools/call` over stateless HTTP, on both eras, in the foreground or creating a task: run
 * through the same dispatch as on an SDK server, without `createMcpHandler`'s per-request server.
 *
 * Gap: `createMcpHandler` (`@modelcontextprotocol/server` 2.4) builds and connects a fresh `McpServer` for every
 * request (and on 2025-11-25 a fresh stateless transport answering on an SSE stream), registers every tool on it and
 * runs the message through its codec and zod checks; for a call whose tool does little, that machinery is most of the
 * cost (CPU profiles of the bench's sync call and task round trip). The SDK has no seam to serve one method without
 * it (tasks tracking: typescript-sdk #2189), and it does not export the result validation it applies to an answer.
 *
 * So this path only takes a call it can prove the SDK would accept exactly as sent: a plain request
 * (plain-requests.ts: headers matching the body, exactly the JSON-RPC keys, on 2026-07-28 the bare envelope, so no
 * progress token and no log level), `params` of exactly `name`, optional `arguments` object and `_meta` (2026-07-28)
 * or optional `task` (`{}` or `{ ttl }`, a positive integer: 2025-11-25), a tool without preflight or `x-mcp-header`
 * declaration (the SDK's `Mcp-Param-*` check), arguments its schema accepts and a route the era allows. That much
 * runs before anything runs, is stored or traced; anything else (and a closing server) returns `undefined`, and the
 * SDK answers as before. The rest is the server's own dispatch (`LeanToolCalls`, from server/sdk-server.ts: the code
 * an SDK server runs), in the request span the SDK path opens.
 *
 * The answer: an outcome whose encoding is known byte for byte is written here, as the SDK writes it: a task's
 * creation, and a result of text content only (`{ content }` is what the SDK's result validation returns unchanged).
 * Any other outcome (another result, an input request, an error thrown) is handed to the SDK's handler with the
 * request (`HttpPorts.replay`), whose server answers with that outcome instead of running the call again. On
 * 2026-07-28 the answer is JSON (the SDK answers JSON unless a notification precedes the result, and the bare
 * envelope leaves `ctx.log` and progress nothing to send). On 2025-11-25 it is an SSE stream, which the SDK opens at
 * once and on which it sends `ctx.log` messages (a stateless request has no log level, so every message goes): a call
 * that ends within its first event-loop turn without logging is answered in one piece; otherwise the stream opens
 * then, as the SDK's does, carries each log message as it comes, and ends with the outcome.
 * test/server/tool-call-fast-path.test.ts and task-create-fast-path.test.ts compare both paths byte for byte.
 */
import { type AuthInfo, type CallToolRequest, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { HttpPorts, ToolCallOutcome, WireEra } from '../era.js';
import { isPlainObject } from '../json-body.js';
import {
  hasExactly,
  jsonAnswer,
  leanContext,
  type PlainRequest,
  plainLegacyRequest,
  plainModernRequest,
  SSE_HEADERS,
  sseAnswer,
  sseMessage,
} from './plain-requests.js';
import { tracedToolCall } from './tool-calls.js';

/** Tool names this path takes (nothing an `Mcp-Name` header would need to encode). */
const PLAIN_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

type CallParams = CallToolRequest['params'];

export interface ToolCallFastPathDeps extends Pick<HttpPorts, 'calls' | 'info' | 'shutdown' | 'replay'> {
  /** The era whose calls this path takes, and how they are written on the wire. */
  era: WireEra;
  encoding: 'modern' | 'legacy';
}

export class ToolCallFastPath {
  constructor(private readonly deps: ToolCallFastPathDeps) {}

  /** The SDK's answer to `request` if it is a plain `tools/call`; `undefined` to leave it to the SDK. */
  async answer(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
  ): Promise<Response | undefined> {
    const { deps } = this;
    const call = this.plainCall(request, body);
    if (!call || deps.shutdown.aborted) return undefined;
    const { id, params } = call;
    const modern = deps.encoding === 'modern';
    const meta = modern ? (params._meta as Record<string, unknown>) : undefined;
    const stream = modern ? undefined : new LogStream();
    // What the SDK's context gives the dispatch of a stateless request (no session, no multi-round-trip state).
    const ctx = leanContext(
      {
        id,
        method: 'tools/call',
        _meta: meta,
        envelope: meta,
        signal: request.signal,
        inputResponses: undefined,
        requestState: () => undefined,
        // 2026-07-28: the bare envelope sets no log level, and the SDK then sends nothing. 2025-11-25: no level was
        // set on a stateless request, and the SDK sends every message.
        log: stream ? (level: string, data: unknown) => stream.log(level, data) : () => Promise.resolve(),
      },
      request,
      authInfo,
    );
    const admitted = await deps.calls.admit(deps.era, params, ctx);
    if (!admitted) return undefined;
    const outcome: Promise<ToolCallOutcome> = tracedToolCall(params, ctx, admitted.run, () => true).then(
      (result) => ({ kind: 'returned', result }),
      (error: unknown) => ({ kind: 'threw', error }),
    );
    const answer = (settled: ToolCallOutcome) => {
      const written = modern ? modernAnswer(settled, deps.info) : legacyAnswer(settled);
      if (written === undefined) return deps.replay(request, body, authInfo, settled);
      return modern ? jsonAnswer(written, id) : sseAnswer(written, id);
    };
    if (!stream) return answer(await outcome);
    return stream.answer(outcome, answer);
  }

  private plainCall(
    request: Request,
    body: unknown,
  ): { id: string | number; params: CallParams } | undefined {
    // First what is cheap to tell: a call to a tool this path does not take goes no further.
    if (!isPlainObject(body) || body.method !== 'tools/call' || !isPlainObject(body.params)) return undefined;
    const { name } = body.params;
    if (typeof name !== 'string' || !PLAIN_TOOL_NAME.test(name) || !this.deps.calls.takes(name)) {
      return undefined;
    }
    if (this.deps.encoding === 'modern') {
      const modern = plainModernRequest(request, body, 'tools/call', (params) => params.name);
      return modern && plainParams(modern, ['_meta']);
    }
    const legacy = plainLegacyRequest(request, body, ['tools/call']);
    if (!legacy) return undefined;
    if (!Object.hasOwn(legacy.params, 'task')) return plainParams(legacy, []);
    return isPlainTaskParam(legacy.params.task) ? plainParams(legacy, ['task']) : undefined;
  }
}

/**
 * 2025-11-25 `ctx.log` messages of one call, in the order sent, on the SSE stream the SDK would have opened for it:
 * buffered until the stream opens (after the call's first event-loop turn, or at its first message), then written as
 * they come.
 */
class LogStream {
  private readonly pending: string[] = [];
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();

  log(level: string, data: unknown): Promise<void> {
    // The SDK's notification as it sends it: `jsonrpc` first, no `logger` (taskmcp names none).
    this.write(sseMessage({ jsonrpc: '2.0', method: 'notifications/message', params: { level, data } }));
    return Promise.resolve();
  }

  /** The answer: in one piece when `outcome` settles within this turn with nothing logged, else streamed. */
  async answer(
    outcome: Promise<ToolCallOutcome>,
    answer: (settled: ToolCallOutcome) => Promise<Response> | Response,
  ): Promise<Response> {
    const turn = new Promise<undefined>((resolve) => setImmediate(resolve, undefined));
    const early = await Promise.race([outcome, turn]);
    if (early && this.pending.length === 0) return answer(early);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        for (const frame of this.pending.splice(0)) this.enqueue(frame);
      },
    });
    // The outcome as the SDK writes it on this stream: its one message event (a replay's stream holds just that).
    void outcome
      .then(async (settled) => {
        this.enqueue(await (await answer(settled)).text());
        this.controller?.close();
      })
      .catch((error: unknown) => this.controller?.error(error));
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  private write(frame: string): void {
    if (this.controller) this.enqueue(frame);
    else this.pending.push(frame);
  }

  private enqueue(frame: string): void {
    try {
      this.controller?.enqueue(this.encoder.encode(frame));
    } catch {
      // The client went away and the stream is closed: nothing more to send.
    }
  }
}

/**
 * The SDK's encoding of a 2026-07-28 outcome when it is known here: a `CreateTaskResult` (with McpServer's empty
 * `content`, see tool-calls.ts) or a text result, each stamped with the server's identity; else `undefined`.
 */
function modernAnswer(outcome: ToolCallOutcome, info: unknown): Record<string, unknown> | undefined {
  if (outcome.kind !== 'returned') return undefined;
  const result = outcome.result as Record<string, unknown>;
  const stamp = { _meta: { [SERVER_INFO_META_KEY]: info } };
  if (result.resultType === 'task') return { content: [], ...result, ...stamp };
  if (isTextResult(result)) return { ...result, resultType: 'complete', ...stamp };
  return undefined;
}

/** The SDK's encoding of a 2025-11-25 outcome when it is known here: a `CreateTaskResult` or a text result. */
function legacyAnswer(outcome: ToolCallOutcome): Record<string, unknown> | undefined {
  if (outcome.kind !== 'returned') return undefined;
  const result = outcome.result as Record<string, unknown>;
  return isPlainObject(result.task) || isTextResult(result) ? result : undefined;
}

/** `{ content }` of text blocks and nothing else: what the SDK's result validation returns as it is. */
function isTextResult(result: Record<string, unknown>): boolean {
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

/** `name` (checked above), `arguments` (an object, optional) and exactly the era's other keys. */
function plainParams(
  plain: PlainRequest,
  eraKeys: readonly string[],
): { id: string | number; params: CallParams } | undefined {
  const { params } = plain;
  const keys = Object.hasOwn(params, 'arguments') ? ['name', 'arguments', ...eraKeys] : ['name', ...eraKeys];
  if (!hasExactly(params, keys) || (Object.hasOwn(params, 'arguments') && !isPlainObject(params.arguments))) {
    return undefined;
  }
  return { id: plain.id, params: params as CallParams };
}
