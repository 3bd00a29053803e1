/**
 * One server's metrics in one process: a prom-client registry of its own, fed by its task engine. The server
 * creates it before it starts (so the route can be added) and attaches it to the engine as soon as the engine
 * exists, before the engine takes its first leg, so nothing this process does goes uncounted.
 */
import type { Registry } from 'prom-client';
import type { TaskEngine } from '../tasks/engine.js';
import { instrumentEngine } from './instrument.js';
import { loadPromClient } from './load.js';

export interface MetricsOptions {
  /** Where the server's HTTP server serves the metrics (default `/metrics`). */
  path?: string;
}

export const DEFAULT_METRICS_PATH = '/metrics';

/** The Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Prometheus metrics of a task engine in this process; see docs/operations.md for what each metric counts. */
export class TaskMetrics {
  private registry?: Registry;
  private stop?: () => void;
  /** Gauges of the serving side of this process (not the engine's), read at each scrape. */
  private readonly serving: Array<{ name: string; help: string; read: () => number }> = [];

  /** Expose `read()` as gauge `name`, read when Prometheus scrapes. Add it before the server starts. */
  gauge(name: string, help: string, read: () => number): void {
    if (this.registry) throw new Error(`Add the gauge ${name} before the metrics observe a task engine.`);
    this.serving.push({ name, help, read });
  }

  /** Load prom-client and start counting what `engine` does in this process (a server does this as it starts). */
  async attach(engine: TaskEngine): Promise<void> {
    if (this.registry) throw new Error('These metrics already observe a task engine.');
    const prom = await loadPromClient();
    const registry = new prom.Registry();
    this.stop = instrumentEngine(prom, engine, registry);
    for (const { name, help, read } of this.serving) {
      new prom.Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    }
    this.registry = registry;
  }

  /** Stop observing the engine; the values counted so far stay readable. */
  detach(): void {
    this.stop?.();
    this.stop = undefined;
  }

  /** Every metric in the Prometheus text format. */
  async text(): Promise<string> {
    if (!this.registry)
      throw new Error('Metrics are collected once the server (and its task engine) started.');
    return this.registry.metrics();
  }

  /** A web-standard handler answering `GET` with {@link text}, for `server.route` or any HTTP server. */
  readonly handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Metrics are read with GET.\n', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    if (!this.registry) {
      return new Response('Metrics are collected once the task engine started.\n', { status: 503 });
    }
    const body = await this.text();
    return new Response(request.method === 'HEAD' ? null : body, {
      headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' },
    });
  };
}
