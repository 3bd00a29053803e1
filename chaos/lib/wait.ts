/**
 * Waiting without hanging. Chaos runs break things on purpose, so every wait here has a deadline: a condition
 * polled until it holds or the time is up, and a timeout around any single promise (a request to a process we
 * just killed, a Redis command during an outage). Percentiles live here too, for the recovery and shutdown times.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it returns a truthy value; `undefined` when `timeoutMs` passes first. Errors count as "not yet". */
export async function until<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  everyMs = 50,
): Promise<NonNullable<T> | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch {
      // A process or Redis being down is exactly what these runs cause; keep polling until the deadline.
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(everyMs, Math.max(0, deadline - Date.now())));
  }
}

/** Like {@link until}, but a missed deadline is an error naming what was awaited. */
export async function mustUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs: number,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const value = await until(check, timeoutMs, everyMs);
  if (value === undefined) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
  return value;
}

/** Reject with a message naming `what` when `promise` does not settle within `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms.`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Nearest-rank percentile of `values` (0 < p <= 100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** A uniformly random integer in [min, max]. */
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
