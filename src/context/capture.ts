import type { AuthInfo, ClientCapabilities, ServerContext } from '@modelcontextprotocol/server';
import { currentTraceContext } from '../tracing/spans.js';
import type { HttpRequestInfo } from './context.js';

/** What the transport tells us about the caller of one request; the same for the foreground and a new task. */
export interface CallerDetails {
  authInfo?: AuthInfo;
  sessionId?: string;
  http?: HttpRequestInfo;
  traceparent?: string;
  tracestate?: string;
  /** What the client declared it can do (per request on 2026-07-28, at initialization on 2025-11-25). */
  clientCapabilities?: ClientCapabilities;
}

/** Read the caller details of a request from the SDK's handler context. */
export function callerDetails(ctx: ServerContext): CallerDetails {
  const request = ctx.http?.req;
  const http: HttpRequestInfo | undefined = request
    ? {
        method: request.method,
        url: request.url,
        // Header names come lowercased from `Headers`; repeated headers arrive already joined with ", ".
        headers: headersOf(request),
        request,
      }
    : undefined;
  // SEP-414 puts trace context in `_meta`; plain HTTP tracing puts it in headers. Prefer the MCP-level one. When this
  // process traces, the request's own span (a child of that) is what goes downstream: a task's legs join its trace.
  const meta = ctx.mcpReq._meta as Record<string, unknown> | undefined;
  const fromMeta = (key: string) => (typeof meta?.[key] === 'string' ? (meta[key] as string) : undefined);
  const traced = currentTraceContext();
  return {
    authInfo: ctx.http?.authInfo,
    sessionId: ctx.sessionId,
    http,
    traceparent: traced?.traceparent ?? fromMeta('traceparent') ?? http?.headers.traceparent,
    tracestate: traced ? traced.tracestate : (fromMeta('tracestate') ?? http?.headers.tracestate),
  };
}

function headersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}
