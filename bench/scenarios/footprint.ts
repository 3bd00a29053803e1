/**
 * Scenario 5: what retained tasks cost.
 * (a) Redis bytes per retained completed task (small payload) through a real taskmcp server on the Redis engine,
 *     against a raw BullMQ completed job with the same payload and result: every key of the bench database is
 *     summed with MEMORY USAGE (not `used_memory`, which other databases on this shared server disturb), / N.
 * (b) Front-end RSS of a taskmcp process on the memory engine holding 10,000 completed tasks, against the same
 *     process before it created them (after warm-up). Ratio form: RSS(with tasks) / RSS(without), both after a
 *     forced GC; the per-task increments of RSS and of the JS heap are recorded as details.
 */
import { Queue, Worker } from 'bullmq';
import { type MemorySample, startChild } from '../lib/child.js';
import { BENCH_NAME, countBullCompletions, PAYLOAD, RESULT } from '../lib/engine-fixtures.js';
import { echo, throughput } from '../lib/http-bench.js';
import { boundedParallel } from '../lib/load.js';
import { McpHttpClient } from '../lib/mcp-http.js';
import {
  BENCH_REDIS_URL,
  connectRedis,
  type DatabaseBytes,
  databaseBytes,
  flushBenchDb,
} from '../lib/redis.js';
import { compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

const IN_FLIGHT = 16;

/**
 * Create `total` tasks through the server, then wait until the last ones completed: the engine runs legs in
 * creation order, so once the last {@link IN_FLIGHT} are done all are (and every one is checked on Redis by count).
 */
async function createCompletedTasks(url: URL, total: number): Promise<void> {
  const client = new McpHttpClient(url, { era: 'modern', declareTasks: true });
  const taskIds: string[] = [];
  await boundedParallel(total, IN_FLIGHT, async () => {
    const created = await client.call('tools/call', { name: 'noop_task', arguments: PAYLOAD });
    taskIds.push(created.taskId as string);
  });
  for (const taskId of taskIds.slice(-IN_FLIGHT)) {
    while ((await client.call('tasks/get', { taskId })).status !== 'completed') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Where the bytes went in the last repetition of each side (per key pattern, bytes per task). */
const breakdown: Record<string, Record<string, number>> = {};

function recordBreakdown(side: string, measured: DatabaseBytes, total: number): void {
  breakdown[side] = Object.fromEntries(
    Object.entries(measured.groups)
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([group, { bytes }]) => [group, Math.round(bytes / total)]),
  );
}

async function redisBytesOurs(total: number): Promise<number> {
  const admin = connectRedis();
  await flushBenchDb(admin);
  const server = await startChild('servers/ours.ts', { BENCH_ENGINE: BENCH_REDIS_URL });
  await createCompletedTasks(server.url!, total);
  await server.stop();
  const measured = await databaseBytes(admin);
  recordBreakdown('taskmcp', measured, total);
  const { bytes } = measured;
  await flushBenchDb(admin);
  await admin.quit();
  return bytes / total;
}

async function redisBytesBullMQ(total: number): Promise<number> {
  const admin = connectRedis();
  await flushBenchDb(admin);
  const queue = new Queue(BENCH_NAME, { connection: connectRedis() });
  const worker = new Worker(BENCH_NAME, async () => RESULT, { connection: connectRedis(), concurrency: 10 });
  const done = countBullCompletions(worker, total);
  await boundedParallel(total, 16, async () => void (await queue.add('noop', PAYLOAD)));
  await done;
  await worker.close();
  await queue.close();
  const measured = await databaseBytes(admin);
  recordBreakdown('bullmq', measured, total);
  const { bytes } = measured;
  await flushBenchDb(admin);
  await admin.quit();
  return bytes / total;
}

interface RssRun {
  without: MemorySample;
  with: MemorySample;
}

async function rssRun(total: number): Promise<RssRun> {
  const server = await startChild('servers/ours.ts');
  const target = { url: server.url!, era: 'modern' as const, declareTasks: true };
  // Warm up every code path the measurement uses (a handful of retained tasks is noise next to `total`).
  await throughput(target, { clients: 4, durationMs: 300 }, echo);
  await createCompletedTasks(server.url!, 20);
  const without = await server.memory();
  await createCompletedTasks(server.url!, total);
  const loaded = await server.memory();
  await server.stop();
  return { without, with: loaded };
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const redisTasks = settings.quick ? 300 : 2_000;
  const retained = settings.quick ? 1_000 : 10_000;
  const bytes = { ours: [] as number[], bull: [] as number[] };
  for (let rep = 0; rep < settings.reps; rep++) {
    await inAlternatingOrder(
      rep,
      async () => void bytes.ours.push(await redisBytesOurs(redisTasks)),
      async () => void bytes.bull.push(await redisBytesBullMQ(redisTasks)),
    );
  }
  const rss: RssRun[] = [];
  for (let rep = 0; rep < settings.reps; rep++) rss.push(await rssRun(retained));

  const comparisons = [
    compare({
      id: 'redis-bytes-per-task',
      label: 'Redis memory per retained completed task (small payload)',
      unit: 'bytes',
      better: 'lower',
      oursName: 'RedisTaskEngine',
      baselineName: 'raw BullMQ completed job',
      ours: bytes.ours,
      baseline: bytes.bull,
      note: `All keys of the bench database after ${redisTasks} completed tasks (MEMORY USAGE, SAMPLES 0), divided by ${redisTasks}.`,
    }),
    compare({
      id: 'rss-retained',
      label: `Front-end RSS with ${retained.toLocaleString('en-US')} retained tasks vs none (memory engine)`,
      unit: 'MiB',
      better: 'lower',
      oursName: `${retained.toLocaleString('en-US')} tasks`,
      baselineName: 'no tasks',
      ours: rss.map((r) => r.with.rss / 2 ** 20),
      baseline: rss.map((r) => r.without.rss / 2 ** 20),
      informational: true,
      note: 'Same process before and after creating the tasks, each after a forced GC; the ratio is the growth factor. RSS keeps the heap high-water mark of the request traffic too.',
    }),
    compare({
      id: 'heap-retained',
      label: `Front-end JS heap with ${retained.toLocaleString('en-US')} retained tasks vs none (memory engine)`,
      unit: 'MiB',
      better: 'lower',
      oursName: `${retained.toLocaleString('en-US')} tasks`,
      baselineName: 'no tasks',
      ours: rss.map((r) => r.with.heapUsed / 2 ** 20),
      baseline: rss.map((r) => r.without.heapUsed / 2 ** 20),
      informational: true,
      note: 'heapUsed after a forced GC: what the retained task records themselves occupy.',
    }),
  ];
  for (const row of comparisons) printComparison(row);
  const perTask = (key: keyof MemorySample) =>
    median(rss.map((r) => (r.with[key] - r.without[key]) / retained));
  return {
    id: 'footprint',
    title: 'Footprint: Redis bytes per retained task, front-end RSS with retained tasks',
    method:
      `Redis: ${redisTasks} tasks created and completed through a taskmcp server on the Redis engine (or as raw ` +
      'BullMQ jobs kept on completion), then every key of the bench database summed with MEMORY USAGE. RSS: a ' +
      `taskmcp process on the memory engine, measured after warm-up and again after ${retained.toLocaleString('en-US')} ` +
      'completed tasks (default 15 min TTL, so all retained), each after a forced GC.',
    comparisons,
    unavailable: [],
    details: {
      redisTasks,
      retainedTasks: retained,
      redisBytesPerTaskByKeyPattern: breakdown,
      medianRssBytesPerTask: perTask('rss'),
      medianHeapBytesPerTask: perTask('heapUsed'),
      rssRuns: rss,
    },
  };
}

export const footprint: Scenario = { id: 'footprint', title: 'Footprint', run };
