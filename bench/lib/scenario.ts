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
export async function inAlternatingOrder(
  rep: number,
  first: () => Promise<void>,
  second: () => Promise<void>,
) {
  if (rep % 2 === 0) {
    await first();
    await second();
  } else {
    await second();
    await first();
  }
}
