/**
 * Scenario 1: the Redis engine against raw BullMQ on the same Redis. Enqueue N no-op tasks (50 in flight), then
 * start the consumer at concurrency 1, 10, 50 and time the drain; FLUSHDB before every run. Then the
 * submit→start latency of sequential submissions with a consumer already running.
 */
import { Queue, Worker } from 'bullmq';
import { RedisTaskEngine } from 'taskmcp/redis';
import {
  BENCH_NAME,
  countBullCompletions,
  countEngineCompletions,
  newTaskId,
  noopRunner,
  PAYLOAD,
  RESULT,
  taskSpec,
} from '../lib/engine-fixtures.js';
import { boundedParallel } from '../lib/load.js';
import { BENCH_REDIS_URL, connectRedis, flushBenchDb } from '../lib/redis.js';
import { type Comparison, compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';
import { type LatencyPercentiles, latencyPercentiles, nowMs } from '../lib/stats.js';

const ENQUEUE_IN_FLIGHT = 50;
const CONCURRENCIES = [1, 10, 50];

interface DrainRun {
  enqueueRate: number;
  drainRate: number;
}

function ourEngine(concurrency = 10): RedisTaskEngine {
  return new RedisTaskEngine({ url: BENCH_REDIS_URL, name: BENCH_NAME, concurrency });
}

async function drainOurs(total: number, concurrency: number): Promise<DrainRun> {
  const producer = ourEngine();
  await producer.start({ worker: false });
  const enqueueSeconds = await boundedParallel(total, ENQUEUE_IN_FLIGHT, async () => {
    await producer.create(taskSpec());
  });
  const consumer = ourEngine(concurrency);
  // Counted in the consumer's process, as BullMQ's side counts its worker's 'completed' events.
  const done = countEngineCompletions(consumer, total);
  const started = nowMs();
  await consumer.start({ runner: noopRunner });
  await done;
  const drainSeconds = (nowMs() - started) / 1000;
  await Promise.all([consumer.close(), producer.close()]);
  return { enqueueRate: total / enqueueSeconds, drainRate: total / drainSeconds };
}

async function drainBullMQ(total: number, concurrency: number): Promise<DrainRun> {
  const connection = connectRedis();
  const queue = new Queue(BENCH_NAME, { connection });
  const enqueueSeconds = await boundedParallel(total, ENQUEUE_IN_FLIGHT, async () => {
    await queue.add('noop', PAYLOAD);
  });
  const started = nowMs();
  const worker = new Worker(BENCH_NAME, async () => RESULT, { connection: connectRedis(), concurrency });
  await countBullCompletions(worker, total);
  const drainSeconds = (nowMs() - started) / 1000;
  await worker.close();
  await queue.close();
  await connection.quit();
  return { enqueueRate: total / enqueueSeconds, drainRate: total / drainSeconds };
}

/** Submit→start latency: submit one task, wait until its handler starts, repeat. */
async function latencyOurs(count: number, warmup: number): Promise<number[]> {
  const waiting = new Map<string, (at: number) => void>();
  const engine = ourEngine();
  await engine.start({
    runner: async (run) => {
      waiting.get(run.taskId)?.(nowMs());
      return noopRunner(run);
    },
  });
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const taskId = newTaskId();
    const started = new Promise<number>((resolve) => waiting.set(taskId, resolve));
    const submitted = nowMs();
    await engine.create(taskSpec(taskId));
    const startedAt = await started;
    waiting.delete(taskId);
    if (i >= warmup) samples.push(startedAt - submitted);
  }
  await engine.close({ drainMs: 1000 });
  return samples;
}

async function latencyBullMQ(count: number, warmup: number): Promise<number[]> {
  const waiting = new Map<string, (at: number) => void>();
  const connection = connectRedis();
  const queue = new Queue(BENCH_NAME, { connection });
  const worker = new Worker(
    BENCH_NAME,
    async (job) => {
      waiting.get(job.id!)?.(nowMs());
      return RESULT;
    },
    { connection: connectRedis(), concurrency: 10 },
  );
  await worker.waitUntilReady();
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const jobId = newTaskId();
    const started = new Promise<number>((resolve) => waiting.set(jobId, resolve));
    const submitted = nowMs();
    await queue.add('noop', PAYLOAD, { jobId });
    const startedAt = await started;
    waiting.delete(jobId);
    if (i >= warmup) samples.push(startedAt - submitted);
  }
  await worker.close();
  await queue.close();
  await connection.quit();
  return samples;
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const total = settings.quick ? 1_000 : 10_000;
  const latencyCount = settings.quick ? 200 : 1_000;
  const admin = connectRedis();
  const comparisons: Comparison[] = [];
  const enqueue = { ours: [] as number[], bull: [] as number[] };
  const fresh = () => flushBenchDb(admin);

  for (const concurrency of CONCURRENCIES) {
    const drain = { ours: [] as number[], bull: [] as number[] };
    for (let rep = 0; rep < settings.reps; rep++) {
      await inAlternatingOrder(
        rep,
        async () => {
          await fresh();
          const result = await drainOurs(total, concurrency);
          drain.ours.push(result.drainRate);
          enqueue.ours.push(result.enqueueRate);
        },
        async () => {
          await fresh();
          const result = await drainBullMQ(total, concurrency);
          drain.bull.push(result.drainRate);
          enqueue.bull.push(result.enqueueRate);
        },
      );
    }
    const row = compare({
      id: `drain-c${concurrency}`,
      label: `Drain ${total.toLocaleString('en-US')} no-op tasks, concurrency ${concurrency}`,
      unit: 'tasks/s',
      better: 'higher',
      oursName: 'RedisTaskEngine',
      baselineName: 'raw BullMQ',
      ours: drain.ours,
      baseline: drain.bull,
    });
    printComparison(row);
    comparisons.push(row);
  }
  const enqueueRow = compare({
    id: 'enqueue',
    label: `Enqueue rate (${ENQUEUE_IN_FLIGHT} in flight; samples from every drain run)`,
    unit: 'tasks/s',
    better: 'higher',
    oursName: 'RedisTaskEngine',
    baselineName: 'raw BullMQ',
    ours: enqueue.ours,
    baseline: enqueue.bull,
    note: 'Ours stores the task record and its context snapshot durably before queueing the leg.',
  });
  printComparison(enqueueRow);
  comparisons.push(enqueueRow);

  const latency = { ours: [] as LatencyPercentiles[], bull: [] as LatencyPercentiles[] };
  for (let rep = 0; rep < settings.reps; rep++) {
    await inAlternatingOrder(
      rep,
      async () => {
        await fresh();
        latency.ours.push(latencyPercentiles(await latencyOurs(latencyCount, 50)));
      },
      async () => {
        await fresh();
        latency.bull.push(latencyPercentiles(await latencyBullMQ(latencyCount, 50)));
      },
    );
  }
  for (const p of ['p50', 'p95', 'p99'] as const) {
    const row = compare({
      id: `submit-start-${p}`,
      label: `Submit→start latency ${p} (sequential, ${latencyCount} samples per repetition)`,
      unit: 'ms',
      better: 'lower',
      oursName: 'RedisTaskEngine',
      baselineName: 'raw BullMQ',
      ours: latency.ours.map((l) => l[p]),
      baseline: latency.bull.map((l) => l[p]),
    });
    printComparison(row);
    comparisons.push(row);
  }
  await fresh();
  await admin.quit();
  return {
    id: 'engine-drain',
    title: 'Engine drain: RedisTaskEngine vs raw BullMQ',
    method:
      `${total.toLocaleString('en-US')} no-op tasks enqueued (${ENQUEUE_IN_FLIGHT} in flight), then one consumer ` +
      'started at the given concurrency and timed until the last completion, counted in the consumer process on ' +
      "both sides (our engine's observer, BullMQ's worker events); FLUSHDB before every run. Both keep " +
      'completed results (our task record; BullMQ default keep). Submit→start: submit, wait until the handler ' +
      'starts, repeat, with a consumer at concurrency 10 already running.',
    comparisons,
    unavailable: [],
    details: { tasks: total, latencySamples: latencyCount, concurrencies: CONCURRENCIES },
  };
}

export const engineDrain: Scenario = { id: 'engine-drain', title: 'Engine drain', run };
