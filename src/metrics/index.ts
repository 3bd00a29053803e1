/** Prometheus metrics of the task engine (needs the optional `prom-client` package). */
export { type MetricsServerOptions, type RunningMetricsServer, serveMetrics } from './http.js';
export { DEFAULT_METRICS_PATH, type MetricsOptions, TaskMetrics } from './task-metrics.js';
