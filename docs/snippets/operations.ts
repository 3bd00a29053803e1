// Type-checked code for docs/operations.md. Each //#region is shown verbatim on that page.
import { serveMetrics, TaskMCP } from 'taskmcp';

export function metricsOption() {
  //#region metrics-option
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    metrics: true, // GET /metrics beside /mcp; or { path: '/ops/metrics' }
  });
  //#endregion
  return server;
}

export async function metricsElsewhere(server: TaskMCP) {
  //#region metrics-elsewhere
  // Enable before the server starts: counting begins with the engine's first leg.
  const metrics = server.enableMetrics();
  await server.start({ worker: true });

  // Mounting `server.fetch` in your own HTTP stack? Route /metrics to `metrics.handle`, or read `metrics.text()`.
  const fetch = (request: Request) =>
    new URL(request.url).pathname === '/metrics' ? metrics.handle(request) : server.fetch(request);

  // A process with no HTTP server (a worker of your own): a small one for the metrics alone, on loopback.
  const endpoint = await serveMetrics(metrics, { port: 9464 }); // http://127.0.0.1:9464/metrics
  //#endregion
  return { fetch, endpoint };
}
