/**
 * Scenario 4: end-to-end task round trips (call → poll → result) on taskmcp's memory engine (2026-07-28 tasks
 * extension) against the official SDK v1's experimental tasks (2025-11-25, InMemoryTaskStore) serving the same
 * tool. N clients each run round trips back to back, polling without waiting (poll intervals are ignored), so
 * the number is the servers' cost per task, not a poll interval.
 */
import { startChild } from '../lib/child.js';
import { echo, type Target, throughput } from '../lib/http-bench.js';
import type { McpHttpClient } from '../lib/mcp-http.js';
import { type Comparison, compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';
import { legacyRoundTrip, modernRoundTrip } from '../lib/tasks-wire.js';

const ARGS = { text: 'hello world' };

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const durationMs = settings.quick ? 500 : 5_000;
  const clientCounts = [1, 16];
  const [ours, sdk] = await Promise.all([
    startChild('servers/ours.ts'),
    startChild('servers/sdk-v1-tasks.ts'),
  ]);
  const oursTarget: Target = { url: ours.url!, era: 'modern', declareTasks: true };
  const sdkTarget: Target = { url: sdk.url!, era: 'legacy' };
  const requests = { ours: [] as number[], sdk: [] as number[] };
  const oursTrip = async (client: McpHttpClient) =>
    void requests.ours.push((await modernRoundTrip(client, 'noop_task', ARGS)).requests);
  const sdkTrip = async (client: McpHttpClient) =>
    void requests.sdk.push((await legacyRoundTrip(client, 'noop_task', ARGS)).requests);
  await throughput(oursTarget, { clients: 16, durationMs: 500 }, oursTrip);
  await throughput(sdkTarget, { clients: 16, durationMs: 500 }, sdkTrip);

  const comparisons: Comparison[] = [];
  const rates16 = { ours: [] as number[], sdk: [] as number[] };
  for (const clients of clientCounts) {
    const rates = { ours: [] as number[], sdk: [] as number[] };
    const cpu = { ours: [] as number[], sdk: [] as number[] };
    const measure = async (side: 'ours' | 'sdk') => {
      const load =
        side === 'ours'
          ? await throughput(oursTarget, { clients, durationMs, server: ours }, oursTrip)
          : await throughput(sdkTarget, { clients, durationMs, server: sdk }, sdkTrip);
      rates[side].push(load.rate);
      cpu[side].push(load.serverCpuMsPerOp);
    };
    for (let rep = 0; rep < settings.reps; rep++) {
      await inAlternatingOrder(
        rep,
        () => measure('ours'),
        () => measure('sdk'),
      );
    }
    if (clients === 16) Object.assign(rates16, rates);
    const rows = [
      compare({
        id: `round-trip-${clients}`,
        label: `Task round trips (call → poll → result), ${clients} client${clients === 1 ? '' : 's'}`,
        unit: 'tasks/s',
        better: 'higher',
        oursName: 'taskmcp (memory engine)',
        baselineName: 'SDK v1 experimental tasks',
        ours: rates.ours,
        baseline: rates.sdk,
      }),
      compare({
        id: `round-trip-${clients}-cpu`,
        label: `Server CPU per task round trip, ${clients} client${clients === 1 ? '' : 's'}`,
        unit: 'ms',
        better: 'lower',
        oursName: 'taskmcp (memory engine)',
        baselineName: 'SDK v1 experimental tasks',
        ours: cpu.ours,
        baseline: cpu.sdk,
      }),
    ];
    for (const row of rows) printComparison(row);
    comparisons.push(...rows);
  }
  // Reference: the same servers' sync echo rate, to separate the serving stack (SDK v2 per-request servers on
  // web-standard Request/Response vs SDK v1 sessions on node:http) from the task machinery itself.
  const echoRates = { ours: [] as number[], sdk: [] as number[] };
  const oursEcho: Target = { url: ours.url!, era: 'modern' };
  for (let rep = 0; rep < settings.reps; rep++) {
    await inAlternatingOrder(
      rep,
      async () =>
        void echoRates.ours.push((await throughput(oursEcho, { clients: 16, durationMs }, echo)).rate),
      async () =>
        void echoRates.sdk.push((await throughput(sdkTarget, { clients: 16, durationMs }, echo)).rate),
    );
  }
  const reference = compare({
    id: 'round-trip-echo-reference',
    label: 'Reference: sync tools/call (echo) on the same two servers, 16 clients',
    unit: 'calls/s',
    better: 'higher',
    oursName: 'taskmcp (2026-07-28)',
    baselineName: 'SDK v1 (2025-11-25, sessions)',
    ours: echoRates.ours,
    baseline: echoRates.sdk,
  });
  const normalised = compare({
    id: 'round-trip-normalised',
    label: 'Task round trips per sync call, each on its own server, 16 clients',
    unit: 'round trips per echo call',
    better: 'higher',
    oursName: 'taskmcp (memory engine)',
    baselineName: 'SDK v1 experimental tasks',
    ours: rates16.ours.map((rate, i) => rate / echoRates.ours[i]!),
    baseline: rates16.sdk.map((rate, i) => rate / echoRates.sdk[i]!),
    note: "Round-trip rate divided by the same server's echo rate (same repetition index): the cost of the task machinery with the serving stack factored out.",
  });
  for (const row of [reference, normalised]) printComparison(row);
  comparisons.push(reference, normalised);
  await Promise.all([ours.stop(), sdk.stop()]);
  return {
    id: 'round-trip',
    title: 'Task round trip: taskmcp memory engine vs SDK v1 experimental tasks',
    method:
      `Each client runs round trips back to back for ${durationMs / 1000} s: taskmcp: tools/call → CreateTaskResult → ` +
      'tasks/get until completed (result inlined); SDK v1: tools/call with task → tasks/get until terminal → ' +
      "tasks/result. The eras differ (each implementation's own tasks wire); the tool and the client are the same.",
    comparisons,
    unavailable: [],
    details: {
      durationMs,
      medianRequestsPerRoundTrip: { taskmcp: median(requests.ours), sdkV1: median(requests.sdk) },
      meanRequestsPerRoundTrip: {
        taskmcp: requests.ours.reduce((a, b) => a + b, 0) / requests.ours.length,
        sdkV1: requests.sdk.reduce((a, b) => a + b, 0) / requests.sdk.length,
      },
    },
  };
}

export const roundTrip: Scenario = { id: 'round-trip', title: 'Task round trip', run };
