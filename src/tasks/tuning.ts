/**
 * The knobs of the engine's durability machinery, with their defaults in one place. Every engine takes the same
 * `durability` option; docs/engines.md explains each one.
 */

export interface DurabilityOptions {
  /**
   * How many times a leg may be lost with its worker (crash, `kill -9`, lost lock) and run again; one more loss
   * fails the task with a message that says so (default 3).
   */
  maxStalledCount?: number;
  /** A `working` task with no news for this long is checked: is its leg still queued or held? (default 30 s) */
  livenessMs?: number;
  /** How often each process looks for overdue tasks (default 5 s; 0 turns the reconciler off). */
  reconcileIntervalMs?: number;
  /** Tasks checked per round (default 100). */
  reconcileBatch?: number;
  /**
   * How long a finished leg keeps retrying to store its outcome while the store is unreachable (default 2 min):
   * a result is never dropped because of a short outage.
   */
  settleDeadlineMs?: number;
  /** At shutdown, how long handlers get to stop after their signal fires before their legs are handed back (1 s). */
  shutdownGraceMs?: number;
}

export type Durability = Required<DurabilityOptions>;

export const DURABILITY_DEFAULTS: Durability = {
  maxStalledCount: 3,
  livenessMs: 30_000,
  reconcileIntervalMs: 5_000,
  reconcileBatch: 100,
  settleDeadlineMs: 120_000,
  shutdownGraceMs: 1_000,
};

export function durability(options: DurabilityOptions = {}): Durability {
  const resolved = { ...DURABILITY_DEFAULTS };
  for (const [key, value] of Object.entries(options) as Array<[keyof Durability, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DURABILITY_DEFAULTS)) throw new TypeError(`Unknown durability option '${key}'.`);
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`durability.${key} must be a non-negative integer, got ${value}.`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** Log sink of the engine: the server passes its own logger; the default is silent. */
export type EngineLog = (level: 'debug' | 'info' | 'warning' | 'error', message: string) => void;
