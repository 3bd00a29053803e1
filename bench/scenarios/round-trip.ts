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

/**
 * taskmcp on each era, with `instant_task` (`task.immediateResultMs: 0`: a task done by the end of the turn that
 * created it is answered with its outcome, as SDK v1's tool is, which stores its result before `createTask` answers)
 * and with `noop_task` (always a task handle first, then polls); and SDK v1.
 */
type Side = 'modern' | 'legacy' | 'modernHandle' | 'legacyHandle' | 'sdk';
type OursSide = Exclude<Side, 'sdk'>;
const SIDES: Side[] = ['modern', 'legacy', 'modernHandle', 'legacyHandle', 'sdk'];
const OURS: Record<OursSide, { era: string; tool: string; how: string }> = {
  modern: { era: '2026-07-28', tool: 'instant_task', how: 'answered at once when done' },
  legacy: { era: '2025-11-25', tool: 'instant_task', how: 'answered at once when done' },
  modernHandle: { era: '2026-07-28', tool: 'noop_task', how: 'always a task handle first' },
  legacyHandle: { era: '2025-11-25', tool: 'noop_task', how: 'always a task handle first' },
};
/** Row ids (with the client count appended); the 16-client rows are headlines (lib/report.ts). */
const ROW_ID: Record<OursSide, string> = {
  modern: 'round-trip-',
  legacy: 'round-trip-legacy-',
  modernHandle: 'round-trip-handle-',
  legacyHandle: 'round-trip-legacy-handle-',
};

interface Subject {
  target: Target;
  server: ChildHandle;
  trip: typeof modernRoundTrip;
  tool: string;
}

const emptyPerSide = (): Record<Side, number[]> => ({
  modern: [],
  legacy: [],
  modernHandle: [],
  legacyHandle: [],
  sdk: [],
});

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const durationMs = settings.quick ? 500 : 5_000;
  const clientCounts = [1, 16];
  const [ours, sdk] = await Promise.all([
    startChild('servers/ours.ts'),
    startChild('servers/sdk-v1-tasks.ts'),
  ]);
  const sdkTarget: Target = { url: sdk.url!, era: 'legacy' };
  // taskmcp on its 2026-07-28 tasks extension, and on the same era as SDK v1 (2025-11-25, SEP-1686).
  const modernTarget: Target = { url: ours.url!, era: 'modern', declareTasks: true };
  const legacyTarget: Target = { url: ours.url!, era: 'legacy' };
  const subjects: Record<Side, Subject> = {
    modern: { target: modernTarget, server: ours, trip: modernRoundTrip, tool: OURS.modern.tool },
    legacy: { target: legacyTarget, server: ours, trip: legacyRoundTrip, tool: OURS.legacy.tool },
    modernHandle: { target: modernTarget, server: ours, trip: modernRoundTrip, tool: OURS.modernHandle.tool },
    legacyHandle: { target: legacyTarget, server: ours, trip: legacyRoundTrip, tool: OURS.legacyHandle.tool },
    sdk: { target: sdkTarget, server: sdk, trip: legacyRoundTrip, tool: 'noop_task' },
  };
  const requests = emptyPerSide();
  const operation = (side: Side) => async (client: McpHttpClient) => {
    const { trip, tool } = subjects[side];
    requests[side].push((await trip(client, tool, ARGS)).requests);
  };
  for (const side of SIDES)
    await throughput(subjects[side].target, { clients: 16, durationMs: 500 }, operation(side));

  const comparisons: Comparison[] = [];
  let rates16 = emptyPerSide();
  for (const clients of clientCounts) {
    const rates = emptyPerSide();
    const cpu = emptyPerSide();
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
    const rows = (Object.keys(OURS) as OursSide[]).flatMap((side) => {
      const { era, how } = OURS[side];
      const on = `taskmcp on ${era}${era === '2025-11-25' ? ', same era' : ''}, ${how}`;
      const oursName = `taskmcp (memory engine, ${era}, ${how})`;
      return [
        compare({
          id: `${ROW_ID[side]}${clients}`,
          label: `Task round trips (call → poll → result), ${clients} client${plural}, ${on}`,
          unit: 'tasks/s',
          better: 'higher',
          oursName,
          baselineName: 'SDK v1 experimental tasks',
          ours: rates[side],
          baseline: rates.sdk,
        }),
        compare({
          id: `${ROW_ID[side]}${clients}-cpu`,
          label: `Server CPU per task round trip, ${clients} client${plural}, ${on}`,
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
    oursName: `taskmcp (memory engine, 2026-07-28, ${OURS.modernHandle.how})`,
    baselineName: 'SDK v1 experimental tasks',
    ours: rates16.modernHandle.map((rate, i) => rate / echoRates.ours[i]!),
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
      '2026-07-28: tools/call → CreateTaskResult → tasks/get until completed (result inlined), or the result at once. ' +
      'taskmcp on 2025-11-25 and SDK v1: tools/call with task → tasks/get until terminal (skipped when the ' +
      'creation already shows it) → tasks/result. Same tool body, same client, same taskmcp process for both eras: ' +
      '`instant_task` has `task.immediateResultMs: 0` (a task done by the end of the turn that created it is answered ' +
      "with its outcome, as SDK v1's tool stores its result before its createTask answers); `noop_task` always " +
      'answers with a handle first.',
    comparisons,
    unavailable: [],
    details: {
      durationMs,
      medianRequestsPerRoundTrip: {
        taskmcpModern: median(requests.modern),
        taskmcpLegacy: median(requests.legacy),
        taskmcpModernHandle: median(requests.modernHandle),
        taskmcpLegacyHandle: median(requests.legacyHandle),
        sdkV1: median(requests.sdk),
      },
    },
  };
}

export const roundTrip: Scenario = { id: 'round-trip', title: 'Task round trip', run };
