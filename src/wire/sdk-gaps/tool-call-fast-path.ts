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
 * request (`HttpPorts.handOver`), whose server takes the call over instead of running it again, and encodes it. On
 * 2026-07-28 the answer is JSON (the SDK answers JSON unless a notification precedes the result, and the bare
 * envelope leaves `ctx.log` and progress nothing to send). On 2025-11-25 it is an SSE stream, which the SDK opens at
 * once and on which it sends `ctx.log` messages (a stateless request has no log level, so every message goes): a call
 * that ends within its first event-loop turn without logging is answered here in one piece; any other is handed to
 * the SDK then, which opens its stream as early as it would have and sends the messages held so far, then the rest.
 * test/server/tool-call-fast-path.test.ts and task-create-fast-path.test.ts compare both paths byte for byte.
 */
import { type AuthInfo, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { HttpPorts, ToolCallOutcome, WireEra } from '../era.js';
import { isTextResult, legacyResult, outcomeInTime, plainToolCall, startLeanCall } from './lean-calls.js';
import { jsonAnswer, sseAnswer } from './plain-requests.js';

export interface ToolCallFastPathDeps extends Pick<HttpPorts, 'calls' | 'info' | 'shutdown' | 'handOver'> {
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
    const call = plainToolCall(request, body, deps.calls, deps.encoding);
    if (!call || deps.shutdown.aborted) return undefined;
    const modern = deps.encoding === 'modern';
    const started = await startLeanCall({
      calls: deps.calls,
      era: deps.era,
      request,
      authInfo,
      call,
      signal: request.signal,
      // 2026-07-28: the bare envelope sets no log level, and the SDK then sends nothing. 2025-11-25: a stateless
      // request has no level either, and the SDK sends every message.
      logs: modern ? 'dropped' : 'held',
    });
    if (!started) return undefined;
    const handOver = () => deps.handOver(request, body, authInfo, started);
    if (modern) {
      const written = modernResult(await started.outcome, deps.info);
      return written ? jsonAnswer(written, call.id) : handOver();
    }
    const early = await outcomeInTime(started);
    const written = early && legacyResult(early);
    return written ? sseAnswer(written, call.id) : handOver();
  }
}

/**
 * The SDK's 2026-07-28 result for an outcome whose encoding is known here: a `CreateTaskResult` (with McpServer's
 * empty `content`, see tool-calls.ts) or a text result, each stamped with the server's identity.
 */
function modernResult(outcome: ToolCallOutcome, info: unknown): Record<string, unknown> | undefined {
  if (outcome.kind !== 'returned') return undefined;
  const result = outcome.result as Record<string, unknown>;
  const stamp = { _meta: { [SERVER_INFO_META_KEY]: info } };
  if (result.resultType === 'task') return { content: [], ...result, ...stamp };
  if (isTextResult(result)) return { ...result, resultType: 'complete', ...stamp };
  return undefined;
}
