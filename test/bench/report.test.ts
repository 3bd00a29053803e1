/**
 * The benchmark suite's arithmetic and report rendering (the benchmarks themselves are not part of `npm test`:
 * they take minutes and their numbers depend on the machine). A wrong percentile or an inverted ratio would
 * silently mislead every published number, so these are pinned here.
 */
import { describe, expect, it } from 'vitest';
import { markdown, readmeSnippet } from '../../bench/lib/report.js';
import { compare } from '../../bench/lib/results.js';
import { latencyPercentiles, median, percentile, summarize } from '../../bench/lib/stats.js';
import { scenarioChart } from '../../bench/lib/svg.js';

describe('bench statistics', () => {
  it('uses nearest-rank percentiles and the middle of even-sized samples for the median', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(latencyPercentiles(samples)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, n: 3 });
  });

  it('reports ratios as ours / baseline per repetition, with the verdict following the metric direction', () => {
    const faster = compare({
      id: 'x',
      label: 'throughput',
      unit: 'ops/s',
      better: 'higher',
      baselineName: 'peer',
      ours: [200, 300, 100],
      baseline: [100, 100, 100],
    });
    expect(faster.ratio).toEqual({ min: 1, median: 2, max: 3, n: 3 });
    expect(faster.verdict).toBe('better');
    const slower = compare({
      id: 'y',
      label: 'latency',
      unit: 'ms',
      better: 'lower',
      baselineName: 'peer',
      ours: [2, 2, 2],
      baseline: [1, 1, 1],
    });
    expect(slower.verdict).toBe('worse');
    const even = compare({ ...slower, id: 'z', ours: [1.02, 1, 0.99], baseline: [1, 1, 1] });
    expect(even.verdict).toBe('par');
    expect(() => compare({ ...slower, ours: [1], baseline: [1, 2] })).toThrow(/same number of samples/);
  });

  it('renders the Markdown table, the README snippet and an SVG chart from the same results', () => {
    const row = compare({
      id: 'drain-c10',
      label: 'Drain 10 tasks, concurrency 10',
      unit: 'tasks/s',
      better: 'higher',
      oursName: 'RedisTaskEngine',
      baselineName: 'raw BullMQ',
      ours: [50, 60, 70],
      baseline: [100, 100, 100],
    });
    const scenario = {
      id: 'engine-drain',
      title: 'Engine drain',
      method: 'Method text.',
      comparisons: [row],
      unavailable: [{ id: 'u', label: 'Modern era', baselineName: 'FastMCP', reason: 'legacy only' }],
    };
    const report = {
      mode: 'quick' as const,
      reps: 3,
      machine: {
        cpuModel: 'Test CPU',
        cores: 2,
        memoryGiB: 1,
        freeMemoryGiB: 1,
        os: 'linux',
        node: 'v20',
        redis: '7.0',
        loadAverageAtStart: [1, 1, 1],
        startedAt: 'start',
        gitCommit: 'abc',
        packages: {},
      },
      scenarios: [scenario],
    };
    const md = markdown(report);
    expect(md).toContain(
      '| Drain 10 tasks, concurrency 10 (tasks/s, ↑ better) | RedisTaskEngine | raw BullMQ |',
    );
    expect(md).toContain('0.50 / **0.60×** / 0.70');
    expect(md).toContain('Modern era vs FastMCP: legacy only');
    expect(readmeSnippet(report)).toContain('| RedisTaskEngine vs raw BullMQ | **0.60×** (0.50–0.70) |');
    const svg = scenarioChart(scenario);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('0.60×');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
