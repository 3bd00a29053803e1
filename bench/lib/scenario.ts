import type { ScenarioResult } from './results.js';

/** Settings every scenario reads; `--quick` shrinks counts and durations, never the number of repetitions. */
export interface BenchSettings {
  quick: boolean;
  /** Repetitions per measurement (>= 3). */
  reps: number;
}

export interface Scenario {
  id: string;
  title: string;
  run(settings: BenchSettings): Promise<ScenarioResult>;
}

/** Alternate which side goes first in each repetition, so drift on a shared machine does not favour one side. */
export async function inAlternatingOrder(rep: number, ...steps: Array<() => Promise<void>>) {
  // Rotated by one each repetition, so no step always runs first (or last) on the shared machine.
  for (let i = 0; i < steps.length; i++) await steps[(i + rep) % steps.length]!();
}
