/** `taskmcp run server.ts[:export]`: serve a TaskMCP server module over Streamable HTTP or stdio. */
import { DASHBOARD_TOKEN_ENV, generateDashboardToken } from '../../dashboard/index.js';
import type { TaskMCP } from '../../server/taskmcp.js';
import { COMMON_OPTIONS, integerOption, parse } from '../args.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { usageError } from '../exit-codes.js';
import { DEFAULT_DRAIN_MS, untilStopped } from '../lifecycle.js';
import { enableMetricsOf } from '../metrics.js';
import { Output } from '../output.js';
import { loadServer } from '../server-module.js';

export const usage = `taskmcp run <server.ts[:export]> [--transport http|stdio] [--port n] [--host h] [--no-worker] [--drain ms] [--metrics]
                   [--dashboard]

  Serves the module's TaskMCP server (its default export, the named export, or its only server export).
  TypeScript runs as is, no build step. Over HTTP (default; port from --port, $PORT or 3000) the endpoint URL is
  printed on stdout. --no-worker makes this a front end only: tasks are executed by \`taskmcp worker\` processes
  (needs a shared engine such as TASKMCP_TASKS_URL=redis://…). SIGINT/SIGTERM stop it, giving running tasks
  --drain ms (default ${DEFAULT_DRAIN_MS}) to finish. --metrics serves Prometheus metrics of this process's tasks
  at /metrics beside the endpoint (HTTP only; needs the prom-client package; same as the server's \`metrics\`
  option). --dashboard serves the tasks dashboard at /dashboard/ (HTTP only; same as the \`dashboard\` option)
  with the admin token from TASKMCP_DASHBOARD_TOKEN, or one made for this run and printed with the link on
  stderr.`;

export const RUN_OPTIONS = {
  ...COMMON_OPTIONS,
  transport: { type: 'string', short: 't' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'no-worker': { type: 'boolean' },
  drain: { type: 'string' },
  dashboard: { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, { ...RUN_OPTIONS, metrics: { type: 'boolean' } });
  const [spec, ...extra] = positionals;
  if (!spec || extra.length > 0) throw usageError(`Name one server module.\n\n${usage}`);
  const transport = values.transport ?? 'http';
  if (transport !== 'http' && transport !== 'stdio') {
    throw usageError(`--transport must be http or stdio, got '${transport}'.`);
  }
  const port = integerOption('port', values.port ?? process.env.PORT, 3000);
  const drainMs = integerOption('drain', values.drain, DEFAULT_DRAIN_MS);
  if (values.metrics && transport !== 'http') {
    throw usageError('--metrics is served over HTTP: drop --transport stdio.');
  }
  const out = new Output(values.json ?? false);
  const server = await loadServer(spec);
  if (values.metrics) enableMetricsOf(server, '--metrics');
  const dashboard = values.dashboard ? dashboardOf(server, transport) : undefined;
  const worker = !values['no-worker'];
  if (transport === 'stdio') {
    // stdout is the MCP channel: nothing else may be written there.
    await server.run({ transport: 'stdio', worker });
    return untilStopped(server, out, drainMs);
  }
  const running = await server.run({ transport: 'http', port, host: values.host, worker });
  // Listen for stop signals before announcing the URL: a script may signal as soon as it reads it.
  const stopped = untilStopped(server, out, drainMs);
  out.data({ url: running.url?.href, engine: server.engine.kind, worker }, running.url?.href);
  if (dashboard && running.url) out.notice(dashboard(running.url));
  if (!worker && !server.engine.distributed) {
    out.notice(
      `Warning: --no-worker with the ${server.engine.kind} engine: no other process can run these tasks.`,
    );
  }
  return stopped;
}

/**
 * `--dashboard`: serve the tasks dashboard with the admin token from TASKMCP_DASHBOARD_TOKEN, or one made for this
 * run; returns the line announcing its URL (with the token when it was made here, since nobody knows it otherwise).
 */
function dashboardOf(loaded: object, transport: string): (endpoint: URL) => string {
  if (transport !== 'http') throw usageError('--dashboard is served over HTTP: drop --transport stdio.');
  // The module may bring its own (older) copy of taskmcp.
  const server = loaded as Partial<Pick<TaskMCP, 'enableDashboard'>>;
  if (typeof server.enableDashboard !== 'function') {
    throw usageError(
      '--dashboard needs a server built with a taskmcp that has the dashboard: upgrade taskmcp.',
    );
  }
  const fromEnv = process.env[DASHBOARD_TOKEN_ENV] || undefined;
  const made = fromEnv ? undefined : generateDashboardToken();
  const site = server.enableDashboard({ token: fromEnv ?? made });
  return (endpoint) => {
    const url = site.url(endpoint).href;
    return site.token === made
      ? `Tasks dashboard: ${url}#token=${made} (admin token made for this run; set ${DASHBOARD_TOKEN_ENV} to choose one)`
      : `Tasks dashboard: ${url}`;
  };
}
