/**
 * Scenario 2: how expensive polling is. `tasks/get` of completed tasks (result inlined) against a trivial sync
 * `tools/call` on the same taskmcp server over Streamable HTTP (2026-07-28), on the memory and the Redis engine.
 */
import { startChild } from '../lib/child.js';
import { echo, type Target, throughput } from '../lib/http-bench.js';
import { boundedParallel } from '../lib/load.js';
import { McpHttpClient } from '../lib/mcp-http.js';
import { BENCH_REDIS_URL, connectRedis, flushBenchDb } from '../lib/redis.js';
import { type Comparison, compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';
import { modernRoundTrip } from '../lib/tasks-wire.js';

const POLLED_TASKS = 200;

async function measureEngine(
  engine: 'memory' | 'redis',
  settings: BenchSettings,
  options: { clients: number; durationMs: number },
): Promise<Comparison[]> {
  const admin = connectRedis();
  if (engine === 'redis') await flushBenchDb(admin);
  const server = await startChild('servers/ours.ts', {
    BENCH_ENGINE: engine === 'memory' ? 'memory' : BENCH_REDIS_URL,
  });
  const target: Target = { url: server.url!, era: 'modern', declareTasks: true };
  const creator = new McpHttpClient(target.url, { era: 'modern', declareTasks: true });
  const taskIds: string[] = [];
  await boundedParallel(POLLED_TASKS, 16, async () => {
    const { taskId } = await modernRoundTrip(creator, 'noop_task', { text: 'hello world' });
    if (!taskId) throw new Error('noop_task answered without a task.');
    taskIds.push(taskId);
  });
  let next = 0;
  const poll = async (client: McpHttpClient) => {
    await client.call('tasks/get', { taskId: taskIds[next++ % taskIds.length]! });
  };
  await throughput(target, { clients: options.clients, durationMs: 500 }, poll);
  await throughput(target, { clients: options.clients, durationMs: 500 }, echo);
  const polls = { rate: [] as number[], cpu: [] as number[] };
  const calls = { rate: [] as number[], cpu: [] as number[] };
  const measure = async (into: typeof polls, operation: typeof poll) => {
    const load = await throughput(target, { ...options, server }, operation);
    into.rate.push(load.rate);
    into.cpu.push(load.serverCpuMsPerOp);
  };
  for (let rep = 0; rep < settings.reps; rep++) {
    await inAlternatingOrder(
      rep,
      () => measure(polls, poll),
      () => measure(calls, echo),
    );
  }
  await server.stop();
  if (engine === 'redis') await flushBenchDb(admin);
  await admin.quit();
  const rows = [
    compare({
      id: `poll-${engine}`,
      label: `tasks/get vs sync tools/call throughput, ${engine} engine, ${options.clients} clients`,
      unit: 'requests/s',
      better: 'higher',
      oursName: 'tasks/get',
      baselineName: 'sync tools/call (echo)',
      ours: polls.rate,
      baseline: calls.rate,
      note: 'Both on the same taskmcp server; a ratio above 1 means a poll costs less than the cheapest tool call.',
    }),
    compare({
      id: `poll-${engine}-cpu`,
      label: `Server CPU per tasks/get vs per sync tools/call, ${engine} engine`,
      unit: 'ms',
      better: 'lower',
      oursName: 'tasks/get',
      baselineName: 'sync tools/call (echo)',
      ours: polls.cpu,
      baseline: calls.cpu,
    }),
  ];
  for (const row of rows) printComparison(row);
  return rows;
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const options = { clients: 16, durationMs: settings.quick ? 500 : 5_000 };
  const comparisons = [
    ...(await measureEngine('memory', settings, options)),
    ...(await measureEngine('redis', settings, options)),
  ];
  return {
    id: 'poll-cost',
    title: 'Poll cost: tasks/get vs a trivial sync tools/call',
    method:
      `${POLLED_TASKS} completed tasks polled round robin with tasks/get (result inlined) by ${options.clients} ` +
      `clients for ${options.durationMs / 1000} s, against the same clients calling the sync echo tool on the ` +
      'same server (2026-07-28, Streamable HTTP). Memory engine, then the Redis engine (bench database).',
    comparisons,
    unavailable: [],
    details: { polledTasks: POLLED_TASKS, ...options },
  };
}

export const pollCost: Scenario = { id: 'poll-cost', title: 'Poll cost', run };
