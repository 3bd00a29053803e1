/** `taskmcp worker server.ts[:export]`: execute the server's tasks, with no front end, until SIGTERM. */
import { serveMetrics } from '../../metrics/http.js';
import { COMMON_OPTIONS, integerOption, parse } from '../args.js';
import { CliError, ExitCode, type ExitCodeValue, usageError } from '../exit-codes.js';
import { DEFAULT_DRAIN_MS, untilStopped } from '../lifecycle.js';
import { enableMetricsOf } from '../metrics.js';
import { Output } from '../output.js';
import { loadServer } from '../server-module.js';

export const usage = `taskmcp worker <server.ts[:export]> [--concurrency n] [--drain ms] [--metrics-port n] [--metrics-host h]

  Loads the same server module as the front ends and executes its tasks: no transport, no front end. Needs a
  distributed engine shared with the front ends (e.g. TASKMCP_TASKS_URL=redis://127.0.0.1:6379/0); the memory
  engine is refused (exit 2). --concurrency n runs up to n tasks at once (default: the server's setting, or 10).
  On SIGTERM (or Ctrl-C) it stops taking tasks, gives running ones --drain ms (default ${DEFAULT_DRAIN_MS}) to
  finish, hands the rest back to the queue for another worker, and exits 0. --metrics-port n serves this
  worker's Prometheus metrics at http://127.0.0.1:n/metrics (needs the prom-client package; 0 picks a free port,
  printed on stderr); --metrics-host h binds another interface for a scraper on another machine (loopback keeps
  the Host header check against DNS rebinding).`;

export async function run(argv: string[]): Promise<ExitCodeValue> {
  const { values, positionals } = parse(argv, {
    ...COMMON_OPTIONS,
    concurrency: { type: 'string', short: 'c' },
    drain: { type: 'string' },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
  });
  const [spec, ...extra] = positionals;
  if (!spec || extra.length > 0) throw usageError(`Name one server module.\n\n${usage}`);
  const concurrency =
    values.concurrency === undefined ? undefined : integerOption('concurrency', values.concurrency, 0, 1);
  const drainMs = integerOption('drain', values.drain, DEFAULT_DRAIN_MS);
  const metricsPort = values['metrics-port'];
  const port = metricsPort === undefined ? undefined : integerOption('metrics-port', metricsPort, 0);
  const host = values['metrics-host'];
  if (host !== undefined && port === undefined) throw usageError('--metrics-host needs --metrics-port.');
  const out = new Output(values.json ?? false);
  const server = await loadServer(spec);
  // Before start: the metrics observe the engine from its first leg, and a port in use stops the worker before it
  // takes any task.
  const endpoint =
    port === undefined
      ? undefined
      : await serveMetrics(enableMetricsOf(server, '--metrics-port'), { port, host });
  // Nothing can reach a memory engine's queue from outside this process, so starting it before refusing is harmless.
  await server.start({ worker: true, concurrency });
  const { kind, distributed } = server.engine;
  if (!distributed) {
    await server.close();
    await endpoint?.close();
    throw new CliError(
      `${server.name} uses the ${kind} task engine, whose tasks live inside one process: a separate worker ` +
        `would never see them. Point the server and its workers at one Redis, e.g. ` +
        `TASKMCP_TASKS_URL=redis://127.0.0.1:6379/0 (or use \`taskmcp run\`, which executes tasks itself).`,
      ExitCode.usage,
    );
  }
  if (endpoint) out.notice(`${server.name}: metrics on ${endpoint.url}`);
  out.notice(
    `${server.name}: worker ready (engine ${kind}, concurrency ${concurrency ?? 'default'}, pid ${process.pid})`,
  );
  const code = await untilStopped(server, out, drainMs);
  await endpoint?.close();
  return code;
}
