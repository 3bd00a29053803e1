import { pairedRatios, type Summary, summarize } from './stats.js';

/** Whether a larger number of this metric is good (throughput) or bad (latency, bytes). */
export type Better = 'higher' | 'lower';

/**
 * One side-by-side measurement: ours and a baseline measured in the same repetitions, and the paired ratio
 * `ours / baseline` summarised over those repetitions.
 */
export interface Comparison {
  id: string;
  label: string;
  unit: string;
  better: Better;
  oursName: string;
  baselineName: string;
  ours: Summary;
  baseline: Summary;
  /** `ours / baseline`, per repetition, then min / median / max. */
  ratio: Summary;
  /**
   * `better`, `worse` or `par` (the median ratio is within 5 % of 1); `n/a` for a measurement against itself
   * (e.g. the same process with and without retained tasks), where the ratio is a growth factor, not a contest.
   */
  verdict: 'better' | 'worse' | 'par' | 'n/a';
  /** Raw per-repetition samples, kept so the numbers can be re-derived. */
  samples: { ours: number[]; baseline: number[] };
  note?: string;
}

/** A comparison the suite could not make, with the reason recorded instead of a number. */
export interface Unavailable {
  id: string;
  label: string;
  baselineName: string;
  reason: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What was measured and how, in a sentence or two (printed above the scenario's table). */
  method: string;
  comparisons: Comparison[];
  unavailable: Unavailable[];
  /** Extra context numbers that are not ratios (e.g. task counts, payload sizes). */
  details?: Record<string, unknown>;
}

export function compare(options: {
  id: string;
  label: string;
  unit: string;
  better: Better;
  oursName?: string;
  baselineName: string;
  ours: number[];
  baseline: number[];
  informational?: boolean;
  note?: string;
}): Comparison {
  const ratios = pairedRatios(options.ours, options.baseline);
  const ratio = summarize(ratios);
  const good = options.better === 'higher' ? ratio.median > 1 : ratio.median < 1;
  const verdict = options.informational
    ? 'n/a'
    : Math.abs(ratio.median - 1) <= 0.05
      ? 'par'
      : good
        ? 'better'
        : 'worse';
  return {
    id: options.id,
    label: options.label,
    unit: options.unit,
    better: options.better,
    oursName: options.oursName ?? 'taskmcp',
    baselineName: options.baselineName,
    ours: summarize(options.ours),
    baseline: summarize(options.baseline),
    ratio,
    verdict,
    samples: { ours: options.ours, baseline: options.baseline },
    note: options.note,
  };
}

/** One line per comparison for the console while the suite runs. */
export function printComparison(c: Comparison): void {
  const fmt = (s: Summary) => `${num(s.min)} / ${num(s.median)} / ${num(s.max)}`;
  console.log(
    `  ${c.label}\n    ${c.oursName}: ${fmt(c.ours)} ${c.unit}   ${c.baselineName}: ${fmt(c.baseline)} ${c.unit}` +
      `   ratio: ${fmt(c.ratio)} (${c.verdict}; ${c.better} is better)`,
  );
}

/** A compact human number: 3 significant digits, thousands separators for large values. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
