/**
 * Server→client requests on a 2025-11-25 era served statelessly over HTTP, whose answers arrive at an SDK server
 * that never sent them (python-sdk #1097 / PR #1827 and go-sdk PR #485 for the same limitation elsewhere).
 */
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { MODERN_PROTOCOL_VERSION } from '../../protocol.js';
import { isPlainObject } from '../json-body.js';

/**
 * Write a server→client request with an id of our choosing on the stream of the request being handled.
 *
 * Gap: the SDK serves the 2025-11-25 era over HTTP statelessly (`createMcpHandler`'s default `legacy: 'stateless'`
 * fallback), one SDK server per HTTP request, so the answer to a request sent with `ctx.mcpReq.send` arrives in a
 * later HTTP request at an SDK server that never sent it, and is dropped (the general stateless-mode limitation, see
 * python-sdk #1097 / PR #1827 and the go-sdk stateless docs, PR #485). taskmcp writes the request straight to the transport with an id that says where the answer belongs, and
 * catches the answer before the SDK (see {@link jsonRpcResponseIn}).
 */
export async function writeOnRequestStream(
  server: McpServer,
  ctx: ServerContext,
  message: { jsonrpc: '2.0'; id: string; method: string; params: Record<string, unknown> },
): Promise<void> {
  const transport = server.server.transport;
  if (!transport) throw new Error('The request stream is closed.');
  await transport.send(message as Parameters<typeof transport.send>[0], { relatedRequestId: ctx.mcpReq.id });
}

/** Bodies larger than this are never a client's answer to an input request; leave them to the SDK. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The JSON-RPC response a client POSTed (its answer to a server→client request), or `undefined` for anything else.
 * `body` is the request's parsed body (read once by the endpoint); `result` and `error` are as the client sent them,
 * for the caller to validate. Companion of {@link writeOnRequestStream}.
 */
export function jsonRpcResponseIn(
  request: Request,
  body: unknown,
): { id: unknown; result: unknown } | { id: unknown; error: unknown } | undefined {
  // 2026-07-28 has no server→client requests, so its clients never post responses.
  if (request.method !== 'POST' || request.headers.get('mcp-protocol-version') === MODERN_PROTOCOL_VERSION)
    return undefined;
  if (!request.headers.get('content-type')?.includes('json')) return undefined;
  if (Number(request.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) return undefined;
  if (!isPlainObject(body) || 'method' in body || body.jsonrpc !== '2.0' || !('id' in body)) return undefined;
  if ('result' in body) return { id: body.id, result: body.result };
  if ('error' in body) return { id: body.id, error: body.error };
  return undefined;
}
