import { nowMs } from './stats.js';

export interface LoadResult {
  operations: number;
  seconds: number;
  /** Operations per second. */
  rate: number;
  /** Per-operation latency in milliseconds. */
  latenciesMs: number[];
}

/**
 * Closed-loop load: `clients` loops each run `operation` back to back until the time is up (the operation in flight
 * at the deadline still completes and counts). Each loop gets its own state from `setup`, e.g. its own MCP client.
 */
export async function closedLoop<State>(options: {
  clients: number;
  durationMs: number;
  setup: (index: number) => Promise<State>;
  operation: (state: State, index: number) => Promise<void>;
}): Promise<LoadResult> {
  const states = await Promise.all(Array.from({ length: options.clients }, (_, i) => options.setup(i)));
  const latenciesMs: number[] = [];
  const start = nowMs();
  const deadline = start + options.durationMs;
  await Promise.all(
    states.map(async (state, index) => {
      while (nowMs() < deadline) {
        const begun = nowMs();
        await options.operation(state, index);
        latenciesMs.push(nowMs() - begun);
      }
    }),
  );
  const seconds = (nowMs() - start) / 1000;
  return { operations: latenciesMs.length, seconds, rate: latenciesMs.length / seconds, latenciesMs };
}

/** Run `total` operations with at most `inFlight` at once; resolves to the elapsed seconds. */
export async function boundedParallel(
  total: number,
  inFlight: number,
  operation: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, total) }, async () => {
      while (next < total) await operation(next++);
    }),
  );
  return (nowMs() - start) / 1000;
}

/** Sequential latency samples of `count` operations after `warmup` unmeasured ones. */
export async function sequentialLatencies(
  count: number,
  warmup: number,
  operation: () => Promise<void>,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await operation();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const begun = nowMs();
    await operation();
    samples.push(nowMs() - begun);
  }
  return samples;
}
