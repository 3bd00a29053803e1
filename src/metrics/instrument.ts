/**
 * The metrics of one task engine, as seen from one process. Counters and histograms are fed by the engine's
 * observer as transitions happen; the two gauges are read from the engine when Prometheus scrapes. Every metric is
 * registered in the registry given, never prom-client's global one, so two servers in one process keep theirs apart.
 */
import type { Registry } from 'prom-client';
import type { TaskEngine } from '../tasks/engine.js';
import type { PromClient } from './load.js';

/** Histogram buckets in seconds, from a 5 ms hop through the queue to an hour-long leg. */
export const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

/** Register taskmcp's metrics in `registry` and feed them from `engine`; returns a function that stops feeding. */
export function instrumentEngine(prom: PromClient, engine: TaskEngine, registry: Registry): () => void {
  const registers = [registry];
  const created = new prom.Counter({
    name: 'taskmcp_tasks_created_total',
    help: 'Tasks this process created, by tool.',
    labelNames: ['tool'],
    registers,
  });
  const ended = new prom.Counter({
    name: 'taskmcp_tasks_ended_total',
    help: 'Tasks this process moved to completed, failed or cancelled, by tool and status.',
    labelNames: ['tool', 'status'],
    registers,
  });
  const waited = new prom.Histogram({
    name: 'taskmcp_queue_wait_seconds',
    help: 'Time from a leg being queued to it starting in this process, by tool.',
    labelNames: ['tool'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const ran = new prom.Histogram({
    name: 'taskmcp_leg_duration_seconds',
    help: "Time a leg's handler ran in this process until it returned or threw, by tool.",
    labelNames: ['tool'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const errors = new prom.Counter({
    name: 'taskmcp_engine_errors_total',
    help: 'Task engine operations that failed in this process (store or queue unreachable, reconciler rounds).',
    labelNames: ['operation'],
    registers,
  });
  new prom.Gauge({
    name: 'taskmcp_queue_depth',
    help: 'Legs queued and not yet started, across the engine (all processes sharing it).',
    registers,
    async collect() {
      try {
        this.set(await engine.queueDepth());
      } catch {
        // Keep the last value: a failed read says nothing about the queue, and the error is counted.
        errors.inc({ operation: 'reading the queue depth' });
      }
    },
  });
  new prom.Gauge({
    name: 'taskmcp_legs_running',
    help: 'Legs running in this process now.',
    registers,
    collect() {
      this.set(engine.runningLegs);
    },
  });
  return engine.observe({
    created: (record) => created.inc({ tool: record.toolName }),
    ended: (record) => ended.inc({ tool: record.toolName, status: record.status }),
    legStarted: (record, waitedMs) => waited.observe({ tool: record.toolName }, Math.max(0, waitedMs) / 1000),
    legFinished: (record, durationMs) => ran.observe({ tool: record.toolName }, durationMs / 1000),
    failed: (operation) => errors.inc({ operation: operationLabel(operation) }),
  });
}

/**
 * A label value that stays bounded: the engine names some operations after their task ("task t…: storing the
 * outcome", "queueing attempt 2"), and a label per task id or attempt would grow without limit.
 */
export function operationLabel(operation: string): string {
  return operation.replace(/^task \S+: /, '').replace(/\d+/g, 'n');
}
