/**
 * Small statistics helpers shared by every scenario. Every number the suite reports is a summary over repetitions
 * (min / median / max), and every comparison is a ratio of two numbers measured in the same repetition.
 */

export interface Summary {
  min: number;
  median: number;
  max: number;
  /** How many samples the summary is over. */
  n: number;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of already sorted values. */
export function percentileOfSorted(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * values.length);
  return values[Math.min(values.length - 1, Math.max(0, rank - 1))]!;
}

export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sorted(values), p);
}

export function median(values: readonly number[]): number {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return { min: s[0] ?? Number.NaN, median: median(s), max: s[s.length - 1] ?? Number.NaN, n: s.length };
}

export interface LatencyPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** p50 / p95 / p99 of latency samples (milliseconds in, milliseconds out). */
export function latencyPercentiles(samplesMs: readonly number[]): LatencyPercentiles {
  const s = sorted(samplesMs);
  return { p50: percentileOfSorted(s, 50), p95: percentileOfSorted(s, 95), p99: percentileOfSorted(s, 99) };
}

/** Element-wise ratios of paired samples (`ours[i] / baseline[i]`), the unit every comparison is reported in. */
export function pairedRatios(ours: readonly number[], baseline: readonly number[]): number[] {
  if (ours.length !== baseline.length)
    throw new Error('Ratios need the same number of samples on both sides.');
  return ours.map((value, i) => value / baseline[i]!);
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}
