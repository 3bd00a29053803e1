/** Small helpers shared by the contract suites: polling for a condition, gates, unique ids. */
import type { CreateTaskSpec, LegOutcome } from '../tasks/types.js';

/**
 * Poll `check` until it returns a truthy value; throws once `timeoutMs` has passed without one. The default is a
 * hang guard, generous enough for a loaded machine, not a performance limit.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

let counter = 0;

/** A task id no other test (or process sharing the same Redis) uses. */
export const uniqueId = (label = 'tcontract') =>
  `${label}${process.pid}x${Date.now().toString(36)}x${counter++}`;

/** A leg outcome with one text block. */
export const ok = (text: string): LegOutcome => ({
  type: 'result',
  result: { content: [{ type: 'text', text }] },
});

/** A task to create, with defaults for every field. */
export function spec(overrides: Partial<CreateTaskSpec> = {}): CreateTaskSpec {
  return {
    taskId: uniqueId(),
    toolName: 'tool',
    owner: 'owner',
    args: { value: 1 },
    ttlMs: 60_000,
    pollIntervalMs: 100,
    context: '{"v":1}',
    ...overrides,
  };
}
