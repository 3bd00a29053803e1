/**
 * Scenario 4: end-to-end task round trips (call → poll → result) on taskmcp's memory engine, on both of its task
 * wires (2026-07-28 extension; 2025-11-25 experimental tasks, the era SDK v1 speaks), against the official SDK v1's
 * experimental tasks (InMemoryTaskStore) serving the same tool. N clients each run round trips back to back, polling without waiting (poll intervals are ignored), so
 * the number is the servers' cost per task, not a poll interval.
 */
import { type ChildHandle, startChild } from '../lib/child.js';
import { echo, type Target, throughput } from '../lib/http-bench.js';
import type { McpHttpClient } from '../lib/mcp-http.js';
import { type Comparison, compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';
import { legacyRoundTrip, modernRoundTrip } from '../lib/tasks-wire.js';

const ARGS = { text: 'hello world' };

type Side = 'modern' | 'legacy' | 'sdk';
const SIDES: Side[] = ['modern', 'legacy', 'sdk'];

interface Subject {
  target: Target;
  server: ChildHandle;
  trip: typeof modernRoundTrip;
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const durationMs = settings.quick ? 500 : 5_000;
  const clientCounts = [1, 16];
  const [ours, sdk] = await Promise.all([
    startChild('servers/ours.ts'),
    startChild('servers/sdk-v1-tasks.ts'),
  ]);
  const sdkTarget: Target = { url: sdk.url!, era: 'legacy' };
  // taskmcp twice: on its 2026-07-28 tasks extension, and on the same era as SDK v1 (2025-11-25, SEP-1686).
  const subjects: Record<Side, Subject> = {
    modern: {
      target: { url: ours.url!, era: 'modern', declareTasks: true },
      server: ours,
      trip: modernRoundTrip,
    },
    legacy: { target: { url: ours.url!, era: 'legacy' }, server: ours, trip: legacyRoundTrip },
    sdk: { target: sdkTarget, server: sdk, trip: legacyRoundTrip },
  };
  const requests: Record<Side, number[]> = { modern: [], legacy: [], sdk: [] };
  const operation = (side: Side) => async (client: McpHttpClient) =>
    void requests[side].push((await subjects[side].trip(client, 'noop_task', ARGS)).requests);
  for (const side of SIDES)
    await throughput(subjects[side].target, { clients: 16, durationMs: 500 }, operation(side));

  const comparisons: Comparison[] = [];
  let rates16: Record<Side, number[]> = { modern: [], legacy: [], sdk: [] };
  for (const clients of clientCounts) {
    const rates: Record<Side, number[]> = { modern: [], legacy: [], sdk: [] };
    const cpu: Record<Side, number[]> = { modern: [], legacy: [], sdk: [] };
    for (let rep = 0; rep < settings.reps; rep++) {
      // Rotate the order every repetition so no side always runs first on the shared machine.
      for (let i = 0; i < SIDES.length; i++) {
        const side = SIDES[(i + rep) % SIDES.length]!;
        const { target, server } = subjects[side];
        const load = await throughput(target, { clients, durationMs, server }, operation(side));
        rates[side].push(load.rate);
        cpu[side].push(load.serverCpuMsPerOp);
      }
    }
    if (clients === 16) rates16 = rates;
    const plural = clients === 1 ? '' : 's';
    const rows = (['modern', 'legacy'] as const).flatMap((side) => {
      const era = side === 'modern' ? '2026-07-28 extension' : '2025-11-25, same era';
      const oursName = `taskmcp (memory engine, ${side === 'modern' ? '2026-07-28' : '2025-11-25'})`;
      return [
        compare({
          id: `round-trip-${side === 'modern' ? '' : 'legacy-'}${clients}`,
          label: `Task round trips (call → poll → result), ${clients} client${plural}, taskmcp on ${era}`,
          unit: 'tasks/s',
          better: 'higher',
          oursName,
          baselineName: 'SDK v1 experimental tasks',
          ours: rates[side],
          baseline: rates.sdk,
        }),
        compare({
          id: `round-trip-${side === 'modern' ? '' : 'legacy-'}${clients}-cpu`,
          label: `Server CPU per task round trip, ${clients} client${plural}, taskmcp on ${era}`,
          unit: 'ms',
          better: 'lower',
          oursName,
          baselineName: 'SDK v1 experimental tasks',
          ours: cpu[side],
          baseline: cpu.sdk,
        }),
      ];
    });
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
    oursName: 'taskmcp (memory engine, 2026-07-28)',
    baselineName: 'SDK v1 experimental tasks',
    ours: rates16.modern.map((rate, i) => rate / echoRates.ours[i]!),
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
      `Each client runs round trips back to back for ${durationMs / 1000} s, polling without waiting. taskmcp on ` +
      '2026-07-28: tools/call → CreateTaskResult → tasks/get until completed (result inlined). taskmcp on 2025-11-25 ' +
      'and SDK v1: tools/call with task → tasks/get until terminal → tasks/result. Same tool, same client, same ' +
      'taskmcp process for both eras.',
    comparisons,
    unavailable: [],
    details: {
      durationMs,
      medianRequestsPerRoundTrip: {
        taskmcpModern: median(requests.modern),
        taskmcpLegacy: median(requests.legacy),
        sdkV1: median(requests.sdk),
      },
    },
  };
}

export const roundTrip: Scenario = { id: 'round-trip', title: 'Task round trip', run };
