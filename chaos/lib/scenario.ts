/**
 * What a chaos scenario is and what it reports. Every scenario reports the same figures (so the summary can
 * add them up) plus its own expectations: a failed expectation, a lost task or a wrong result fails the run;
 * executed-twice is reported but tolerated, because the engine documents at-least-once execution.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { executionsOf, repeats } from './journal.js';
import type { Deployment } from './processes.js';
import type { PrivateRedis } from './redis-server.js';
import type { TaskBook, TrackedTask } from './tasks.js';
import { describeTask } from './tasks.js';
import { percentile } from './wait.js';

export interface ScenarioContext {
  quick: boolean;
  /** Fires when the scenario overran its budget: long loops stop early (the runner has moved on). */
  signal: AbortSignal;
  redis: PrivateRedis;
  /** A connection to the private Redis that waits out outages (bound every call with a timeout). */
  db: Redis;
  log(message: string): void;
  /** A fresh namespace on the private Redis with the given crash-recovery settings. */
  deployment(label: string, settings: { leaseMs: number; maxStalledCount: number }): Deployment;
}

export interface Timing {
  samples: number;
  p50: number;
  max: number;
}

export interface Figures {
  /** Tasks whose id a client received. */
  tasks: number;
  /** Received ids never terminal by the scenario's deadline. */
  lost: number;
  /** Terminal with anything but the expected outcome. */
  wrongResult: number;
  /** Tasks whose handler started more than once. */
  executedTwice: number;
  /** Tasks whose handler started again after an earlier run had already returned. */
  rerunAfterReturn: number;
  /** Task records in Redis still not terminal after the deadline (scenarios that scan for them). */
  orphans?: number;
  /** From kill -9 of a worker to the killed task starting again elsewhere. */
  recoverMs?: Timing & { unrecovered: number };
  /** From SIGTERM to the worker's exit. */
  shutdownMs?: Timing;
}

export interface Expectation {
  text: string;
  ok: boolean;
  detail?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  durationMs: number;
  figures: Figures;
  expectations: Expectation[];
  /** Scenario-specific numbers and facts, shown under the figures. */
  details: Record<string, string | number>;
  /** Set when the harness itself could not complete the scenario. */
  error?: string;
}

export interface Scenario {
  id: string;
  title: string;
  /** Upper bound for the whole scenario, setup and deadlines included. */
  budgetMs(quick: boolean): number;
  run(ctx: ScenarioContext): Promise<Omit<ScenarioResult, 'id' | 'title' | 'durationMs'>>;
}

export function uniqueName(label: string): string {
  return `chaos-${label}-${randomBytes(3).toString('hex')}`;
}

export function timing(values: readonly number[]): Timing {
  return {
    samples: values.length,
    p50: percentile(values, 50),
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** The common figures of a scenario whose tasks must all complete with the right digest. */
export async function tally(ctx: ScenarioContext, name: string, book: TaskBook) {
  const verdict = book.verdict();
  const executions = await executionsOf(
    ctx.db,
    name,
    book.all.map((task) => task.seed),
  );
  const twice = repeats(executions);
  const figures: Figures = {
    tasks: verdict.tasks,
    lost: verdict.lost.length,
    wrongResult: verdict.wrong.length,
    executedTwice: twice.executedTwice.length,
    rerunAfterReturn: twice.rerunAfterReturn.length,
  };
  return { figures, verdict, executions, repeats: twice };
}

/** Expectations every task-running scenario shares: nothing lost, nothing wrong. */
export function outcomeExpectations(verdict: { lost: TrackedTask[]; wrong: TrackedTask[] }): Expectation[] {
  return [
    {
      text: 'every task id a client received ended terminal by the deadline',
      ok: verdict.lost.length === 0,
      detail: sample(verdict.lost),
    },
    {
      text: 'every terminal task completed with sha256 of its seed',
      ok: verdict.wrong.length === 0,
      detail: sample(verdict.wrong),
    },
  ];
}

/** The first few offending tasks, for a failed expectation's detail. */
export function sample(tasks: readonly TrackedTask[], count = 3): string | undefined {
  if (tasks.length === 0) return undefined;
  const shown = tasks.slice(0, count).map(describeTask);
  return `${tasks.length}: ${shown.join('; ')}${tasks.length > count ? '; …' : ''}`;
}
