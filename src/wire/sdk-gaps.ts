/**
 * Every place taskmcp works around `@modelcontextprotocol/server` 2.4 not implementing either tasks wire.
 * Keep workarounds here, and only here, so they can be deleted when the SDK grows a tasks seam
 * (typescript-sdk #2189 tracking; draft PRs #2782 `ext/tasks` and #2820 server extensions).
 */
import type {
  CallToolRequest,
  CallToolResult,
  InputRequiredResult,
  JSONRPCMessage,
  McpServer,
  RegisteredTool,
  ServerContext,
  StandardSchemaV1,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { abbreviate, jsonKind, ProtocolErrorCode } from '../errors.js';
import { traceRequest } from '../tracing/spans.js';

/**
 * Serve a tasks method (`tasks/get`, `tasks/update`, `tasks/cancel`, legacy `tasks/result`/`tasks/list`).
 *
 * Gap: task methods are not in the SDK's typed request map (2025 methods are deprecated vocabulary, 2026 extension
 * methods are unknown to it), so the 2-argument `setRequestHandler` rejects them at compile time and, on the
 * 2026-07-28 era, the SDK's era gate answers `tasks/get`/`tasks/cancel` with -32601 unless the handler is registered
 * through the explicit-schema (3-argument) form (the exemption added in SDK 2.3.0, upstream PR #2599).
 * Each request runs in a span (src/tracing).
 */
export function serveTaskMethod<P extends StandardSchemaV1>(
  server: McpServer,
  method: string,
  params: P,
  handler: (params: StandardSchemaV1.InferOutput<P>, ctx: ServerContext) => Promise<Record<string, unknown>>,
): void {
  server.server.setRequestHandler(method, { params }, (request, ctx) => {
    const taskId = (request as { taskId?: unknown }).taskId;
    const target = { taskId: typeof taskId === 'string' ? taskId : undefined };
    return traceRequest(ctx as ServerContext, target, () => handler(request, ctx as ServerContext));
  });
}

/**
 * The flat `CreateTaskResult` (`resultType: "task"`) returned from a `tools/call` handler.
 *
 * Gap: `McpServer` normalises every tools/call result that lacks `content` by adding `content: []` (it only exempts
 * the 2025 nested `task` key), so the 2026 CreateTaskResult goes out with an extra empty `content` array.
 * Clients ignore it (and the conformance schema accepts it); we cannot strip it without replacing McpServer's
 * tools/call dispatch. The cast is needed because the SDK's tool callback type has no task result.
 */
export function asToolCallResult<T extends Record<string, unknown>>(
  createTaskResult: T,
): { content: [] } & T {
  return createTaskResult as { content: [] } & T;
}

/**
 * Take over `tools/call` dispatch from `McpServer`, keeping its `tools/list` (JSON Schema from Standard Schema).
 *
 * Gap: `McpServer`'s own `tools/call` handler turns every error a tool throws, `ProtocolError` included, into an
 * `isError` result, so a tool could never fail a call with a JSON-RPC error, and it would validate arguments
 * before taskmcp could store them as sent. The low-level `Server` still wraps this handler with the SDK's result
 * validation and multi-round-trip checks. Call after registering the tools (McpServer installs its handler lazily).
 * Each call runs in a span (src/tracing), named after the tool only when `isTool` knows it: a client's made-up name
 * must not become a span name.
 */
export function serveToolCalls(
  server: McpServer,
  dispatch: (
    params: CallToolRequest['params'],
    ctx: ServerContext,
  ) => Promise<CallToolResult | InputRequiredResult>,
  isTool: (name: string) => boolean,
): void {
  server.server.setRequestHandler('tools/call', (request, ctx) =>
    traceRequest(
      ctx as ServerContext,
      { tool: isTool(request.params.name) ? request.params.name : undefined },
      () => dispatch(request.params, ctx as ServerContext),
    ),
  );
}

/**
 * Answer `-32602` to any request whose `inputResponses` member is present but not an object, before the SDK lifts it.
 *
 * Gap: the SDK lifts `inputResponses` out of every request's params (its multi-round-trip seam) and turns a value
 * that is not a plain object into `{}` (`partitionInputResponses` in SDK 2.4; no upstream issue filed yet), so a
 * handler cannot tell `inputResponses: null`, `"x"`, `42` or `[]` from `{}`, and `tasks/update` would acknowledge a
 * malformed answer as an empty one. `McpServer.connect` is where every serving unit (HTTP request, stdio connection)
 * hands over its transport, so the check wraps the transport's `onmessage` there: the request never reaches a
 * handler, whatever its method, and its error goes back on its own stream.
 */
export function rejectMalformedInputResponses(server: McpServer): void {
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    if (!deliver) return;
    transport.onmessage = (message, extra) => {
      const problem = inputResponsesProblem(message);
      if (problem === undefined) return deliver(message, extra);
      void transport.send(problem).catch(() => {}); // the client went away: nothing left to tell it
    };
  };
}

function inputResponsesProblem(message: JSONRPCMessage): JSONRPCMessage | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const params: unknown = message.params;
  if (!isPlainObject(params) || !Object.hasOwn(params, 'inputResponses')) return undefined;
  const value = params.inputResponses;
  if (isPlainObject(value)) return undefined;
  return {
    jsonrpc: '2.0',
    id: message.id,
    error: {
      code: ProtocolErrorCode.InvalidParams,
      message: `Invalid params for ${abbreviate(message.method)}: inputResponses must be an object mapping each input key to the client's response, not ${jsonKind(value)}.`,
    },
  };
}

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Placeholder for `McpServer.registerTool`: taskmcp dispatches `tools/call` itself (see {@link serveToolCalls}). */
export function dispatchedElsewhere(): never {
  throw new Error('taskmcp dispatches tools/call itself; this McpServer callback is never used.');
}

// ---------------------------------------------------------------------------------------------------------------
// 2025-11-25 experimental tasks (SEP-1686). SDK v2 deleted this era's task machinery (2.0.0-alpha.3, upstream PR
// #2128) and keeps only its deprecated vocabulary, so taskmcp serves it by hand; these are the places that have to
// step around the SDK's types or behaviour to do so.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Advertise a tool's `execution.taskSupport` in `tools/list`.
 *
 * Gap: `registerTool` has no `execution` field in v2 (tool definitions emitted by v2 carry no `taskSupport`), but the
 * registered tool's `execution` property is still emitted on the 2025-11-25 era (the 2026-07-28 codec drops it).
 */
export function advertiseTaskSupport(
  registered: RegisteredTool,
  taskSupport: 'forbidden' | 'optional' | 'required',
): void {
  registered.execution = { taskSupport };
}

/**
 * The nested 2025-11-25 `CreateTaskResult` as a `tools/call` result.
 *
 * Gap: the SDK's tools/call result validation rejects a body with `task` but no `content` ("content is required when
 * the body carries 'task'"), so the result goes out with an extra empty `content` array, which SDK v1 clients ignore.
 */
export function asLegacyCreateTaskResult<T extends { task: Record<string, unknown> }>(
  createTaskResult: T,
): { content: [] } & T {
  return { content: [], ...createTaskResult };
}

type WireNotification = { method: string; params: Record<string, unknown> };

/**
 * Send a notification on the stream of the request being handled (`tasks/result`).
 *
 * Gap: `notifications/tasks/status` is not in the SDK's typed notification map (deprecated 2025 vocabulary).
 */
export function sendNotification(ctx: ServerContext, notification: WireNotification): Promise<void> {
  return ctx.mcpReq.notify(notification as Parameters<ServerContext['mcpReq']['notify']>[0]);
}

/** Send a notification on a connection (stdio) outside any request; same typing gap as {@link sendNotification}. */
export function notifyOnConnection(server: McpServer, notification: WireNotification): Promise<void> {
  return server.server.notification(notification as Parameters<McpServer['server']['notification']>[0]);
}

/**
 * Send a server→client request (an input request of a task) on the stream of the request being handled.
 *
 * Gap: input requests are stored as `{ method, params }` data, while `ctx.mcpReq.send` is typed per method; the
 * explicit-schema overload takes any method and leaves the answer as the client sent it.
 */
export function sendTaskRequest(
  ctx: ServerContext,
  method: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  // A person may take a while to answer; the tasks/result request this rides on bounds the wait instead.
  return ctx.mcpReq.send({ method, params }, AnyResult, { timeout: 2 ** 31 - 1 });
}

const AnyResult = z.looseObject({});

/**
 * Run `listener` when the SDK server's connection closes.
 *
 * Gap: `McpServer` has no close event of its own; the low-level `Server`'s `onclose` callback is the only hook, so
 * chain onto it rather than replace it.
 */
export function onServerClose(server: McpServer, listener: () => void): void {
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    listener();
  };
}

/**
 * Write a server→client request with an id of our choosing on the stream of the request being handled.
 *
 * Gap: the SDK serves the 2025-11-25 era over HTTP statelessly (`createMcpHandler`'s default `legacy: 'stateless'`
 * fallback), one SDK server per HTTP request, so the answer to a request sent with `ctx.mcpReq.send` arrives in a
 * later HTTP request at an SDK server that never sent it, and is dropped (the general stateless-mode limitation, see
 * python-sdk #1097 / PR #1827 and the go-sdk stateless docs, PR #485). taskmcp writes the request straight to the transport with an id that says where the answer belongs, and
 * catches the answer before the SDK (see {@link readJsonRpcResponse}).
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
 * Reads at most {@link MAX_ANSWER_BYTES} of a clone, so the request stays readable for the SDK. `result` and `error`
 * are as the client sent them, for the caller to validate. Companion of {@link writeOnRequestStream}.
 */
export async function readJsonRpcResponse(
  request: Request,
): Promise<{ id: unknown; result: unknown } | { id: unknown; error: unknown } | undefined> {
  // 2026-07-28 has no server→client requests, so its clients never post responses.
  if (request.method !== 'POST' || request.headers.get('mcp-protocol-version') === '2026-07-28')
    return undefined;
  if (!request.headers.get('content-type')?.includes('json')) return undefined;
  if (Number(request.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) return undefined;
  let body: unknown;
  try {
    const text = await readAtMost(request.clone(), MAX_ANSWER_BYTES);
    if (text === undefined) return undefined;
    body = JSON.parse(text);
  } catch {
    return undefined; // the SDK answers malformed and unreadable (aborted) bodies
  }
  if (!isPlainObject(body) || 'method' in body || body.jsonrpc !== '2.0' || !('id' in body)) return undefined;
  if ('result' in body) return { id: body.id, result: body.result };
  if ('error' in body) return { id: body.id, error: body.error };
  return undefined;
}

/** The body as text, or `undefined` once it passes `maxBytes` (a chunked body declares no length up front). */
export async function readAtMost(request: Request, maxBytes: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      received += value.byteLength;
      if (received > maxBytes) return undefined;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {}); // drop what this copy has not read; the SDK reads its own
  }
}
