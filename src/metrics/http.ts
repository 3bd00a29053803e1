/**
 * A process with no HTTP server of its own (a `taskmcp worker`) serves its metrics on a small one: one path, GET
 * only, on loopback by default with the same Host check as the MCP endpoint (so a web page cannot read it through
 * DNS rebinding).
 */
import { hostHeaderValidationResponse, localhostAllowedHostnames } from '@modelcontextprotocol/server';
import { isLoopback, serveRoutes } from '../server/serve.js';
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

export function serveMetrics(
  metrics: TaskMetrics,
  options: MetricsServerOptions,
): Promise<RunningMetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? DEFAULT_METRICS_PATH;
  // The bound address itself is an allowed Host too (another 127/8 address than 127.0.0.1, say).
  const allowed = [...localhostAllowedHostnames(), host];
  const route = async (request: Request) =>
    (isLoopback(host) ? hostHeaderValidationResponse(request, allowed) : undefined) ??
    metrics.handle(request);
  return serveRoutes(new Map([[path, route]]), {
    port: options.port,
    host,
    path,
    notFound: `Not found. Metrics are served at ${path}.`,
  });
}
