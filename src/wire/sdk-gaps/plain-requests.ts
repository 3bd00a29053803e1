/**
 * The request shapes the lean paths take (task-get-fast-path.ts, legacy-task-fast-path.ts,
 * tool-call-fast-path.ts): plain requests the SDK is proven to accept exactly as sent, checked here once.
 *
 * Gap: `createMcpHandler` (`@modelcontextprotocol/server` 2.4) has no seam to serve one method without building a
 * server per request (typescript-sdk #2189 tracking), and it does not export its standard-header check
 * (`validateStandardRequestHeaders`; no upstream issue filed). So a lean path proves acceptance from the outside: the
 * headers say exactly what the body says, the body has exactly the expected keys, and the SDK's own era
 * classification (`classifyInboundRequest`) agrees (on 2025-11-25, its rule for a body without `_meta`, checked
 * here). Anything else is left to the SDK, which gives its own answer.
 */
import {
  type AuthInfo,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  classifyInboundRequest,
  isJsonContentType,
  isSpecType,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION } from '../../protocol.js';
import { isPlainObject } from '../json-body.js';
import { TextResponse } from './text-response.js';

/** A plain JSON-RPC request: exactly `jsonrpc`, `id`, `method`, `params`, with an object `params`. */
export interface PlainRequest {
  id: string | number;
  method: string;
  params: Record<string, unknown>;
}

/**
 * A 2026-07-28 `method` request the SDK accepts as sent: a JSON POST whose `MCP-Protocol-Version`, `Mcp-Method` and
 * `Mcp-Name` (equal to `name`, never encoded) say what the body says, with exactly the four JSON-RPC keys, whose
 * `params._meta` is the bare envelope, and that the SDK classifies as a modern request.
 * `name` is the `Mcp-Name` the body names (already checked plain by the caller). The caller checks the other params.
 */
export function plainModernRequest(
  request: Request,
  body: unknown,
  method: string,
  name: (params: Record<string, unknown>) => unknown,
): PlainRequest | undefined {
  if (request.method !== 'POST' || !isPlainObject(body) || body.method !== method) return undefined;
  const plain = plainBody(body);
  if (!plain) return undefined;
  const mcpName = name(plain.params);
  const { headers } = request;
  if (
    typeof mcpName !== 'string' ||
    headers.get('mcp-method') !== method ||
    headers.get('mcp-protocol-version') !== MODERN_PROTOCOL_VERSION ||
    headers.get('mcp-name') !== mcpName ||
    !isJsonContentType(headers.get('content-type'))
  ) {
    return undefined;
  }
  const meta = plain.params._meta;
  if (!isPlainObject(meta) || !isBareEnvelope(meta)) return undefined;
  // The SDK's own era classification (envelope keys, header against body), as its entry runs it.
  const route = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: MODERN_PROTOCOL_VERSION,
    mcpMethodHeader: method,
    mcpNameHeader: mcpName,
    body,
  });
  if (route.kind !== 'modern' || route.messageKind !== 'request') return undefined;
  if (route.classification.revision !== MODERN_PROTOCOL_VERSION) return undefined;
  return plain;
}

/**
 * A 2025-11-25 request (one of `methods`) the SDK's transport accepts as sent: a JSON POST with an `Accept` naming
 * both JSON and SSE (the transport's own substring test), `MCP-Protocol-Version: 2025-11-25`, no 2026-07-28 header,
 * exactly the four JSON-RPC keys, and no `_meta` in `params` (so 2025-era). Without `sessionId`, one for the
 * stateless legacy fallback (no session header); with it, one of that session (its `Mcp-Session-Id`).
 */
export function plainLegacyRequest(
  request: Request,
  body: unknown,
  methods: readonly string[],
  sessionId?: string,
): PlainRequest | undefined {
  if (request.method !== 'POST' || !isPlainObject(body) || !methods.includes(body.method as string)) {
    return undefined;
  }
  const { headers } = request;
  const accept = headers.get('accept');
  if (
    headers.get('mcp-protocol-version') !== LEGACY_PROTOCOL_VERSION ||
    headers.has('mcp-method') ||
    headers.has('mcp-name') ||
    (sessionId === undefined ? headers.has('mcp-session-id') : headers.get('mcp-session-id') !== sessionId) ||
    !accept?.includes('application/json') ||
    !accept.includes('text/event-stream') ||
    !isJsonContentType(headers.get('content-type'))
  ) {
    return undefined;
  }
  const plain = plainBody(body);
  // The SDK's era classification is body-primary: a request other than `initialize` whose params carry no `_meta`,
  // so no 2026-07-28 envelope claim, under a 2025-11-25 header is 2025-era. Checked here, not by calling the SDK's
  // `classifyInboundRequest`: its zod checks of the body were 4 % of the server's CPU on a round trip, and the
  // differential tests (test/server/*-fast-path.test.ts) hold the two paths to the same answers.
  return plain && !Object.hasOwn(plain.params, '_meta') ? plain : undefined;
}

/** Exactly `jsonrpc: "2.0"`, a string or safe-integer `id`, `method` and object `params`. */
function plainBody(body: Record<string, unknown>): PlainRequest | undefined {
  if (!hasExactly(body, ['jsonrpc', 'id', 'method', 'params']) || body.jsonrpc !== '2.0') return undefined;
  const { id, params } = body;
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  if (!isPlainObject(params)) return undefined;
  return { id: id as string | number, method: body.method as string, params };
}

/**
 * `_meta` holding only the envelope, each part valid: no progress token, no log level, nothing else. Whether it
 * declares the tasks extension is the caller's concern (a task method needs it, a `tools/call` is routed by it).
 */
function isBareEnvelope(meta: Record<string, unknown>): boolean {
  if (!hasExactly(meta, [PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY])) {
    return false;
  }
  return (
    meta[PROTOCOL_VERSION_META_KEY] === MODERN_PROTOCOL_VERSION &&
    isSpecType.Implementation(meta[CLIENT_INFO_META_KEY]) &&
    isSpecType.ClientCapabilities(meta[CLIENT_CAPABILITIES_META_KEY])
  );
}

/**
 * The SDK context a lean path hands the code it shares with the SDK path (the request span, and the dispatch of a
 * call): the JSON-RPC request as `mcpReq`, the HTTP request with its caller, and the session it belongs to, if any.
 * Nothing there reads more.
 */
export function leanContext(
  mcpReq: Record<string, unknown>,
  request: Request,
  authInfo: AuthInfo | undefined,
  sessionId?: string,
): ServerContext {
  return { sessionId, mcpReq, http: { req: request, authInfo } } as unknown as ServerContext;
}

/** Whether `value` has exactly these own keys. */
export function hasExactly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** The SDK's 2026-07-28 answer to a request: `{ result, jsonrpc, id }` as JSON, 200. */
export function jsonAnswer(result: unknown, id: string | number): Response {
  return new TextResponse(JSON.stringify({ result, jsonrpc: '2.0', id }), {
    status: 200,
    headers: JSON_HEADERS,
  });
}

/** The headers of the SDK transport's SSE answer to a POST (the sessionful one adds `mcp-session-id`). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/**
 * What the SDK's stateless 2025-11-25 transport sends for a request: 200, its four SSE headers, and one `message`
 * event holding `{ result, jsonrpc, id }` (no event id: the fallback has no event store).
 */
export function sseAnswer(result: unknown, id: string | number): Response {
  const event = `event: message\ndata: ${JSON.stringify({ result, jsonrpc: '2.0', id })}\n\n`;
  return new TextResponse(event, { status: 200, headers: SSE_HEADERS });
}
