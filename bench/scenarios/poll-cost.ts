/**
 * Scenario 2: how expensive polling is. `tasks/get` of completed tasks (result inlined) against a trivial sync
 * `tools/call` on a raw SDK v2 `McpServer` (the yardstick), and on the same taskmcp server for reference,
 * over Streamable HTTP (2026-07-28), on the memory and the Redis engine.
 */
import { type ChildHandle, startChild } from '../lib/child.js';
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
  sdk: ChildHandle,
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
  const sdkTarget: Target = { url: sdk.url!, era: 'modern' };
  await throughput(target, { clients: options.clients, durationMs: 500 }, poll);
  await throughput(target, { clients: options.clients, durationMs: 500 }, echo);
  await throughput(sdkTarget, { clients: options.clients, durationMs: 500 }, echo);
  const polls = { rate: [] as number[], cpu: [] as number[] };
  const sdkCalls = { rate: [] as number[], cpu: [] as number[] };
  const calls = { rate: [] as number[], cpu: [] as number[] };
  const measure = async (into: typeof polls, on: Target, child: ChildHandle, operation: typeof poll) => {
    const load = await throughput(on, { ...options, server: child }, operation);
    into.rate.push(load.rate);
    into.cpu.push(load.serverCpuMsPerOp);
  };
  for (let rep = 0; rep < settings.reps; rep++) {
    await inAlternatingOrder(
      rep,
      () => measure(polls, target, server, poll),
      () => measure(sdkCalls, sdkTarget, sdk, echo),
      () => measure(calls, target, server, echo),
    );
  }
  await server.stop();
  if (engine === 'redis') await flushBenchDb(admin);
  await admin.quit();
  const rows = [
    compare({
      id: `poll-${engine}-sdk`,
      label: `tasks/get vs a raw SDK v2 sync tools/call, throughput, ${engine} engine, ${options.clients} clients`,
      unit: 'requests/s',
      better: 'higher',
      oursName: 'tasks/get',
      baselineName: 'raw SDK v2 McpServer: sync tools/call (echo)',
      ours: polls.rate,
      baseline: sdkCalls.rate,
      note: 'A ratio above 1 means a poll costs less than the cheapest tool call on a raw SDK v2 server.',
    }),
    compare({
      id: `poll-${engine}-sdk-cpu`,
      label: `Server CPU per tasks/get vs per raw SDK v2 sync tools/call, ${engine} engine`,
      unit: 'ms',
      better: 'lower',
      oursName: 'tasks/get',
      baselineName: 'raw SDK v2 McpServer: sync tools/call (echo)',
      ours: polls.cpu,
      baseline: sdkCalls.cpu,
    }),
    compare({
      id: `poll-${engine}`,
      label: `tasks/get vs sync tools/call throughput, ${engine} engine, ${options.clients} clients`,
      unit: 'requests/s',
      better: 'higher',
      oursName: 'tasks/get',
      baselineName: 'sync tools/call (echo)',
      ours: polls.rate,
      baseline: calls.rate,
      note: 'Both on the same taskmcp server, for reference: its sync call takes a lean path too.',
    }),
  ];
  for (const row of rows) printComparison(row);
  return rows;
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const options = { clients: 16, durationMs: settings.quick ? 500 : 5_000 };
  const sdk = await startChild('servers/sdk-v2.ts');
  const comparisons = [
    ...(await measureEngine('memory', sdk, settings, options)),
    ...(await measureEngine('redis', sdk, settings, options)),
  ];
  await sdk.stop();
  return {
    id: 'poll-cost',
    title: 'Poll cost: tasks/get vs a trivial sync tools/call',
    method:
      `${POLLED_TASKS} completed tasks polled round robin with tasks/get (result inlined) by ${options.clients} ` +
      `clients for ${options.durationMs / 1000} s, against the same clients calling the sync echo tool on a raw ` +
      'SDK v2 McpServer, and on the same taskmcp server (2026-07-28, Streamable HTTP). Memory engine, then the ' +
      'Redis engine (bench database).',
    comparisons,
    unavailable: [],
    details: { polledTasks: POLLED_TASKS, ...options },
  };
}

export const pollCost: Scenario = { id: 'poll-cost', title: 'Poll cost', run };
