/**
 * DNS-rebinding protection for a server listening on a loopback address: a web page the user visits can make the
 * browser send requests to 127.0.0.1, so a request whose Host or Origin is not a local one is refused, for MCP
 * requests and plain routes alike. The bound address is an allowed Host too (another 127/8 address than 127.0.0.1,
 * say). A server on any other address is reachable by design, and nothing is refused here.
 */
import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  type McpHandlerRequestOptions,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { type HttpRoute, isLoopback } from './serve.js';

type McpFetch = (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;

/** The MCP handler and the routes of a server bound to `host`, refusing rebound requests when it is loopback. */
export function guardLoopback(
  host: string,
  fetch: McpFetch,
  routes: ReadonlyMap<string, HttpRoute>,
): { fetch: McpFetch; routes: Map<string, HttpRoute> } {
  const allowedHosts = [...localhostAllowedHostnames(), host];
  const rejected = (request: Request) =>
    isLoopback(host)
      ? (hostHeaderValidationResponse(request, allowedHosts) ??
        originValidationResponse(request, localhostAllowedOrigins()))
      : undefined;
  const guarded = new Map<string, HttpRoute>();
  for (const [path, handler] of routes) {
    guarded.set(path, async (request) => rejected(request) ?? handler(request));
  }
  return { fetch: async (request, options) => rejected(request) ?? fetch(request, options), routes: guarded };
}
