/**
 * A process with no HTTP server of its own (a `taskmcp worker`) serves its metrics on a small one: one path, GET
 * only, on loopback by default with the same Host check as the MCP endpoint (so a web page cannot read it through
 * DNS rebinding).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { hostHeaderValidationResponse, localhostAllowedHostnames } from '@modelcontextprotocol/server';
import { isLoopback } from '../server/serve.js';
import { DEFAULT_METRICS_PATH, type TaskMetrics } from './task-metrics.js';

export interface MetricsServerOptions {
  /** TCP port; 0 picks a free one (see the returned `url`). */
  port: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Default `/metrics`. */
  path?: string;
}

export interface RunningMetricsServer {
  /** Where the metrics are served, e.g. `http://127.0.0.1:9464/metrics`. */
  url: URL;
  close(): Promise<void>;
}

export async function serveMetrics(
  metrics: TaskMetrics,
  options: MetricsServerOptions,
): Promise<RunningMetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? DEFAULT_METRICS_PATH;
  const handler = toNodeHandler({
    fetch: async (request: Request) =>
      (isLoopback(host) ? hostHeaderValidationResponse(request, localhostAllowedHostnames()) : undefined) ??
      metrics.handle(request),
  });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found. Metrics are served at ${path}.\n`);
      return;
    }
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: new URL(`http://${hostForUrl}:${address.port}${path}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
