import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import type { McpHandlerRequestOptions } from '@modelcontextprotocol/server';
import { toNodeJsonHandler } from '../wire/sdk-gaps/node-json-handler.js';

export interface HttpServeOptions {
  /** TCP port (default 3000; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: loopback only, with DNS-rebinding protection). */
  host?: string;
  /** Path of the MCP endpoint (default `/mcp`). */
  path?: string;
}

/** A plain HTTP handler served beside the MCP endpoint (metrics, a dashboard, a health check). */
export type HttpRoute = (request: Request) => Response | Promise<Response>;

export interface RunningHttpServer {
  /** The endpoint URL, e.g. `http://127.0.0.1:3000/mcp`. */
  url: URL;
  close(): Promise<void>;
}

type Fetch = (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;

/**
 * Serve a web-standard MCP `fetch` handler on node:http at one path, and `routes` beside it: a route path matches
 * exactly, or, when it ends with `/`, every path below it (a page and its assets). Other paths answer 404.
 */
export function serveHttp(
  fetch: Fetch,
  options: HttpServeOptions & { routes?: ReadonlyMap<string, HttpRoute> } = {},
): Promise<RunningHttpServer> {
  const path = options.path ?? '/mcp';
  const routes = new Map<string, Fetch | HttpRoute>([[path, fetch], ...(options.routes ?? [])]);
  return serveRoutes(routes, {
    ...options,
    path,
    mcp: true,
    notFound: `Not found. The MCP endpoint is ${path}.`,
  });
}

/**
 * Serve `routes` (matched as in {@link serveHttp}) on node:http; the returned URL is that of `options.path`.
 * Other paths answer 404 with `notFound`.
 */
export async function serveRoutes(
  routes: ReadonlyMap<string, Fetch | HttpRoute>,
  options: { port?: number; host?: string; path: string; notFound: string; mcp?: boolean },
): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const handlers = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>();
  for (const [route, handler] of routes) {
    const fetch: Fetch = async (request, extra) => (handler as Fetch)(request, extra);
    // The MCP endpoint's JSON bodies are parsed once, without a body stream (see node-json-handler.ts).
    handlers.set(
      route,
      route === options.path && options.mcp ? toNodeJsonHandler(fetch) : toNodeHandler({ fetch }),
    );
  }
  const server: HttpServer = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handle =
      handlers.get(pathname) ??
      [...handlers].find(([route]) => route.endsWith('/') && pathname.startsWith(route))?.[1];
    if (!handle) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`${options.notFound}\n`);
      return;
    }
    if (req.method === 'GET') flushEventStreamHeaders(res);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: new URL(`http://${hostForUrl}:${address.port}${options.path}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/**
 * Send a GET event stream's headers at once. Node holds `writeHead`'s headers until the first body write, and a GET
 * stream may have nothing to say for a while (its first write can be the 15 s keep-alive): until then the client
 * cannot tell the stream is open, nor a resuming client that it was accepted.
 */
function flushEventStreamHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    const written = writeHead.apply(this, args);
    // The SDK's adapter passes the headers as an object (lowercase names), which getHeader does not see.
    const given = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
    const type =
      (given as Record<string, unknown> | undefined)?.['content-type'] ?? this.getHeader('content-type');
    if (String(type ?? '').startsWith('text/event-stream')) this.flushHeaders();
    return written;
  } as typeof writeHead;
}
