/**
 * Scenario 3: what taskmcp adds to a plain foreground `tools/call`. The same `echo` tool on taskmcp, on a raw SDK v2
 * `McpServer` (createMcpHandler), and on FastMCP (punkpeye), each in its own process, driven by the same client:
 * sequential latency from one client, and throughput from concurrent clients, on each protocol era a peer serves.
 */
import { type ChildHandle, startChild } from '../lib/child.js';
import { echo, latency, type Target, throughput } from '../lib/http-bench.js';
import type { Era } from '../lib/mcp-http.js';
import {
  type Comparison,
  compare,
  printComparison,
  type ScenarioResult,
  type Unavailable,
} from '../lib/results.js';
import type { BenchSettings, Scenario } from '../lib/scenario.js';
import type { LatencyPercentiles } from '../lib/stats.js';

interface Subject {
  name: string;
  target: Target;
  server: ChildHandle;
}

interface Measured {
  rate: number[];
  cpuMsPerCall: number[];
  latency: LatencyPercentiles[];
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const clients = 16;
  const durationMs = settings.quick ? 500 : 5_000;
  const latencyCount = settings.quick ? 150 : 2_000;
  // taskmcp twice: stateless (as the raw SDK v2 server serves both eras) and with 2025-11-25 sessions, compared
  // with FastMCP, which serves that era sessionful only.
  const [ours, oursSessions, sdk, fastmcp] = await Promise.all([
    startChild('servers/ours.ts'),
    startChild('servers/ours.ts', { BENCH_SESSIONS: '1' }),
    startChild('servers/sdk-v2.ts'),
    startChild('servers/fastmcp.ts'),
  ]);
  const at = (server: ChildHandle, era: Era): Target => ({ url: server.url!, era });
  const pairs: Array<{ era: Era; ours: Subject; baseline: Subject }> = [
    {
      era: 'modern',
      ours: { name: 'taskmcp', target: at(ours, 'modern'), server: ours },
      baseline: { name: 'raw SDK v2 McpServer', target: at(sdk, 'modern'), server: sdk },
    },
    {
      era: 'legacy',
      ours: { name: 'taskmcp', target: at(ours, 'legacy'), server: ours },
      baseline: { name: 'raw SDK v2 McpServer', target: at(sdk, 'legacy'), server: sdk },
    },
    {
      era: 'legacy',
      ours: { name: 'taskmcp (sessions)', target: at(oursSessions, 'legacy'), server: oursSessions },
      baseline: { name: 'FastMCP (punkpeye)', target: at(fastmcp, 'legacy'), server: fastmcp },
    },
  ];
  // Every distinct subject is measured once per repetition; pairs share ours' measurement of their era.
  const subjects = new Map<string, Subject>();
  for (const pair of pairs) {
    subjects.set(`${pair.ours.name}|${pair.era}`, pair.ours);
    subjects.set(`${pair.baseline.name}|${pair.era}`, pair.baseline);
  }
  const measured = new Map<string, Measured>(
    [...subjects.keys()].map((key) => [key, { rate: [], cpuMsPerCall: [], latency: [] }]),
  );
  for (const subject of subjects.values())
    await throughput(subject.target, { clients, durationMs: 500 }, echo);

  const keys = [...subjects.keys()];
  for (let rep = 0; rep < settings.reps; rep++) {
    // Rotate the order every repetition so no subject always runs first (or last) on the shared machine.
    const order = keys.map((_, i) => keys[(i + rep) % keys.length]!);
    for (const key of order) {
      const subject = subjects.get(key)!;
      const m = measured.get(key)!;
      m.latency.push(await latency(subject.target, { count: latencyCount, warmup: 100 }, echo));
      const load = await throughput(subject.target, { clients, durationMs, server: subject.server }, echo);
      m.rate.push(load.rate);
      m.cpuMsPerCall.push(load.serverCpuMsPerOp);
    }
  }
  await Promise.all([ours.stop(), oursSessions.stop(), sdk.stop(), fastmcp.stop()]);

  const comparisons: Comparison[] = [];
  for (const pair of pairs) {
    const o = measured.get(`${pair.ours.name}|${pair.era}`)!;
    const b = measured.get(`${pair.baseline.name}|${pair.era}`)!;
    const era = pair.era === 'modern' ? '2026-07-28' : '2025-11-25';
    const id = `${pair.baseline.name.startsWith('FastMCP') ? 'fastmcp' : 'sdk-v2'}-${pair.era}`;
    const rows = [
      compare({
        id: `${id}-throughput`,
        label: `Sync tools/call throughput, ${era}, ${clients} clients`,
        unit: 'calls/s',
        better: 'higher',
        oursName: pair.ours.name,
        baselineName: pair.baseline.name,
        ours: o.rate,
        baseline: b.rate,
      }),
      compare({
        id: `${id}-cpu`,
        label: `Server CPU per sync tools/call, ${era}, ${clients} clients`,
        unit: 'ms',
        better: 'lower',
        oursName: pair.ours.name,
        baselineName: pair.baseline.name,
        ours: o.cpuMsPerCall,
        baseline: b.cpuMsPerCall,
        note: 'User + system CPU of the server process over the throughput window, per call: robust to CPU contention from other jobs.',
      }),
      ...(['p50', 'p95', 'p99'] as const).map((p) =>
        compare({
          id: `${id}-${p}`,
          label: `Sync tools/call latency ${p}, ${era}, 1 client`,
          unit: 'ms',
          better: 'lower',
          oursName: pair.ours.name,
          baselineName: pair.baseline.name,
          ours: o.latency.map((l) => l[p]),
          baseline: b.latency.map((l) => l[p]),
        }),
      ),
    ];
    for (const row of rows) printComparison(row);
    comparisons.push(...rows);
  }
  const unavailable: Unavailable[] = [
    {
      id: 'fastmcp-modern',
      label: 'Sync tools/call, 2026-07-28',
      baselineName: 'FastMCP (punkpeye)',
      reason:
        'FastMCP (npm fastmcp, built on SDK v1) implements protocol revisions up to 2025-11-25 only; its README ' +
        'points to ViteMCP for 2026-07-28. It is compared on 2025-11-25, the era both serve.',
    },
  ];
  return {
    id: 'foreground',
    title: 'Foreground overhead: sync tools/call vs raw SDK v2 and FastMCP',
    method:
      `Same tools on each server (echo is called; noop_task is registered everywhere so per-request servers register the same tool count), each in its own process. Latency: ${latencyCount} sequential calls from one ` +
      `client (after 100 warm-up calls). Throughput: ${clients} clients calling back to back for ${durationMs / 1000} s. ` +
      "taskmcp and the raw SDK v2 server are stateless per request (2025-11-25 via the SDK's stateless fallback); " +
      'FastMCP runs its default sessionful Streamable HTTP, and is compared with taskmcp serving 2025-11-25 with ' +
      'sessions (`sessions: true`), sessionful against sessionful.',
    comparisons,
    unavailable,
    details: { clients, durationMs, latencyCount },
  };
}

export const foreground: Scenario = { id: 'foreground', title: 'Foreground overhead', run };
