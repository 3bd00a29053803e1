/**
 * A lean path for a plain foreground `tools/call` in a 2025-11-25 HTTP session held by this front end: run through
 * the dispatch of the session's own SDK server, without passing the message through the session's transport.
 *
 * Gap: the SDK's sessionful `WebStandardStreamableHTTPServerTransport` (`@modelcontextprotocol/server` 2.4) parses
 * every POSTed message with zod, opens a web stream and a keep-alive timer for its answer, and the server behind it
 * validates the request and the result with zod again; for a tool that does little that is most of the cost of a
 * call in a session (CPU profile of the bench's sessionful sync call). The SDK has no seam to answer one message of
 * a session without it (tasks tracking: typescript-sdk #2189), and does not export its result validation.
 *
 * So this path takes only what it can prove the transport accepts as sent (plain-requests.ts: the session's
 * `Mcp-Session-Id`, a 2025-11-25 header, exactly the JSON-RPC keys, no `_meta`, so no progress token), for a tool
 * the lean paths take and a call routed to the foreground (a task's creation in a session is left to the SDK: it
 * also streams the task's status on the session). The call runs in the context the session's server gives it (its
 * id, the client capabilities it declared at initialization). When it ends within its first event-loop turn with a
 * text result and nothing logged, the answer is written here as the transport writes it: its SSE headers with the
 * session id, and, when the session's streams are resumable, the priming event and the result, each stored in the
 * session's event store under a new stream id, so that a client that lost the answer resumes it from there. Anything
 * else is handed to the transport (`sdk`), whose server takes the call over instead of running it again: it encodes
 * the outcome, sends the log messages held so far at the session's log level and the rest as they come, asks the
 * client for input, and its request signal (the client's `notifications/cancelled`) aborts the handler from then on.
 * test/server/session-call-fast-path.test.ts compares both paths byte for byte.
 */
import { randomUUID } from 'node:crypto';
import type { AuthInfo, JSONRPCMessage } from '@modelcontextprotocol/server';
import type { HttpPorts, LeanSession, StartedToolCall, WireEra } from '../era.js';
import { legacyResult, outcomeInTime, plainToolCall, startLeanCall } from './lean-calls.js';
import { SSE_HEADERS } from './plain-requests.js';
import { TextResponse } from './text-response.js';

export interface SessionCallFastPathDeps extends Pick<HttpPorts, 'calls' | 'shutdown'> {
  era: WireEra;
}

export class SessionCallFastPath {
  constructor(private readonly deps: SessionCallFastPathDeps) {}

  /**
   * The transport's answer to `request` if it is a plain foreground `tools/call` of `session`; `undefined` to leave
   * it to the transport. `sdk` hands the request to the transport with the call this path started.
   */
  async answer(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
    session: LeanSession,
    sdk: (call: StartedToolCall) => Promise<Response>,
  ): Promise<Response | undefined> {
    const { deps } = this;
    const call = plainToolCall(request, body, deps.calls, 'legacy', session.id);
    if (!call || deps.shutdown.aborted) return undefined;
    // In a session, a client that goes away does not cancel its call (it may resume the answer): only the server's
    // request signal does, once it has taken the call over.
    const aborts = new AbortController();
    const started = await startLeanCall({
      calls: deps.calls,
      era: deps.era,
      request,
      authInfo,
      call,
      signal: aborts.signal,
      logs: 'held',
      session,
      routes: ['foreground'],
      onAdopt: (ctx) => {
        const { signal } = ctx.mcpReq;
        if (signal.aborted) aborts.abort(signal.reason);
        else signal.addEventListener('abort', () => aborts.abort(signal.reason), { once: true });
      },
    });
    if (!started) return undefined;
    const early = await outcomeInTime(started);
    const result = early && legacyResult(early);
    if (!result) return sdk(started);
    return sessionAnswer({ result, jsonrpc: '2.0', id: call.id } as JSONRPCMessage, session);
  }
}

/** What the session's transport sends for `message`, the one response on a new POST stream. */
async function sessionAnswer(message: JSONRPCMessage, session: LeanSession): Promise<Response> {
  const headers = { ...SSE_HEADERS, 'mcp-session-id': session.id };
  const { events } = session;
  if (!events) {
    return new TextResponse(`event: message\ndata: ${JSON.stringify(message)}\n\n`, { status: 200, headers });
  }
  const streamId = randomUUID();
  // The priming event's message is empty: it only marks where the stream starts.
  const primed = await events.store.storeEvent(streamId, {} as JSONRPCMessage);
  const answered = await events.store.storeEvent(streamId, message);
  const text =
    `id: ${primed}\nretry: ${events.retryMs}\ndata: \n\n` +
    `event: message\nid: ${answered}\ndata: ${JSON.stringify(message)}\n\n`;
  return new TextResponse(text, { status: 200, headers });
}
