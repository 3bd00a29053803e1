/**
 * The execution journal: how the harness sees what handlers did inside processes it may have killed. Every
 * handler of the chaos fixture appends a `start` entry before doing any work, an `end` entry just before it
 * returns its result, and an `abort` entry when its signal stopped it. Each entry goes, in one MULTI, to a list
 * per seed (the executions of one task, counted for the executed-twice figure) and to one journal per
 * deployment, which the harness tails to know which worker runs what right now.
 *
 * The journal lives in the private Redis (the one being restarted in one scenario): the fixture writes with
 * `maxRetriesPerRequest: null`, so an entry made during an outage waits for Redis instead of failing the task,
 * and AOF with `appendfsync always` keeps every acknowledged entry across the restart.
 */
import { Redis } from 'ioredis';
import { withTimeout } from './wait.js';

export type JournalKind = 'start' | 'end' | 'abort';

export interface JournalEntry {
  kind: JournalKind;
  seed: string;
  taskId: string;
  pid: number;
  /** Epoch ms on the worker (same machine as the harness, so comparable with the harness's clock). */
  at: number;
}

export const journalKey = (name: string) => `chaos-journal:${name}`;
export const executionsKey = (name: string, seed: string) => `chaos-exec:${name}:${seed}`;

/** A connection that waits out outages instead of failing commands (each read is bounded by a timeout). */
export function patientRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on('error', () => {});
  return redis;
}

/** Reads a deployment's journal incrementally and keeps what it implies: who runs what, and every entry so far. */
export class Journal {
  readonly entries: JournalEntry[] = [];
  /** pid → seeds started there and not yet ended or aborted. */
  private readonly inFlight = new Map<number, Set<string>>();
  /** Seeds whose handler has returned at least once. */
  private readonly returned = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly name: string,
  ) {}

  /** Fetch the entries appended since the last call (bounded; a slow Redis just means fewer fresh entries). */
  async refresh(timeoutMs = 5_000): Promise<JournalEntry[]> {
    const raw = await withTimeout(
      this.redis.lrange(journalKey(this.name), this.entries.length, -1),
      timeoutMs,
      'reading the execution journal',
    );
    const fresh = raw.map((line) => JSON.parse(line) as JournalEntry);
    for (const entry of fresh) {
      this.entries.push(entry);
      const running = this.inFlight.get(entry.pid) ?? new Set<string>();
      this.inFlight.set(entry.pid, running);
      if (entry.kind === 'start') running.add(entry.seed);
      else running.delete(entry.seed);
      if (entry.kind === 'end') this.returned.add(entry.seed);
    }
    return fresh;
  }

  /** Seeds whose handler started in `pid` and has not ended there (as far as the journal has been read). */
  runningIn(pid: number): string[] {
    return [...(this.inFlight.get(pid) ?? [])];
  }

  hasReturned(seed: string): boolean {
    return this.returned.has(seed);
  }

  /** The first start of `seed` after `at` in a process other than `pid`. */
  restartOf(seed: string, at: number, pid: number): JournalEntry | undefined {
    return this.entries.find(
      (entry) => entry.kind === 'start' && entry.seed === seed && entry.pid !== pid && entry.at >= at,
    );
  }

  /** Starts of `seed` so far. */
  startsOf(seed: string): JournalEntry[] {
    return this.entries.filter((entry) => entry.kind === 'start' && entry.seed === seed);
  }
}

/** Every entry of each seed, read from the per-seed lists (the authoritative record of executions). */
export async function executionsOf(
  redis: Redis,
  name: string,
  seeds: readonly string[],
  timeoutMs = 15_000,
): Promise<Map<string, JournalEntry[]>> {
  const bySeed = new Map<string, JournalEntry[]>();
  if (seeds.length === 0) return bySeed;
  const pipeline = redis.pipeline();
  for (const seed of seeds) pipeline.lrange(executionsKey(name, seed), 0, -1);
  const replies = await withTimeout(pipeline.exec(), timeoutMs, 'reading the executions of each task');
  seeds.forEach((seed, i) => {
    const lines = (replies?.[i]?.[1] as string[] | undefined) ?? [];
    bySeed.set(
      seed,
      lines.map((line) => JSON.parse(line) as JournalEntry),
    );
  });
  return bySeed;
}

/** What the journal says about repeated execution of a set of seeds. */
export interface Repeats {
  /** Seeds whose handler started more than once. */
  executedTwice: string[];
  /** Seeds whose handler started again after an earlier run had already returned its result (`end`). */
  rerunAfterReturn: string[];
}

export function repeats(executions: ReadonlyMap<string, readonly JournalEntry[]>): Repeats {
  const executedTwice: string[] = [];
  const rerunAfterReturn: string[] = [];
  for (const [seed, entries] of executions) {
    if (entries.filter((entry) => entry.kind === 'start').length > 1) executedTwice.push(seed);
    const firstEnd = entries.findIndex((entry) => entry.kind === 'end');
    if (firstEnd >= 0 && entries.slice(firstEnd + 1).some((entry) => entry.kind === 'start')) {
      rerunAfterReturn.push(seed);
    }
  }
  return { executedTwice, rerunAfterReturn };
}
