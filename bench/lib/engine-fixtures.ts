/**
 * Engine-level fixtures shared by the engine drain and scale-out scenarios: task specs, a no-op leg runner, and
 * completion counters for our engine (its event channel) and raw BullMQ (worker events), so both sides are timed
 * the same way: from starting the consumers to the last completion.
 */
import { randomBytes } from 'node:crypto';
import { QueueEvents, type Worker } from 'bullmq';
import type { CreateTaskSpec, LegRunner } from 'taskmcp';
import { type RedisTaskEngine, redisKeys } from 'taskmcp/redis';
import { connectRedis } from './redis.js';

/** Queue / server name used by every engine-level benchmark (ours and BullMQ's), in the bench database. */
export const BENCH_NAME = 'bench';
export const PAYLOAD = { text: 'hello world' };
export const RESULT = { content: [{ type: 'text' as const, text: PAYLOAD.text }] };

export function newTaskId(): string {
  return `t${randomBytes(16).toString('base64url')}`;
}

export function taskSpec(taskId = newTaskId()): CreateTaskSpec {
  return {
    taskId,
    toolName: 'noop_task',
    owner: 'anonymous',
    args: PAYLOAD,
    ttlMs: 15 * 60_000,
    pollIntervalMs: 1000,
    context: '{}',
  };
}

export const noopRunner: LegRunner = async () => ({ type: 'result', result: RESULT });

export interface CompletionCounter {
  /** Resolves once the expected number of completions was seen. */
  done: Promise<void>;
  /** When the first and the last completion were seen (performance.now()). */
  span(): { first: number; last: number };
  close(): Promise<void>;
}

/** Counts completions and remembers when the first and last were seen. */
function completionTracker(total: number) {
  let completed = 0;
  let first = 0;
  let last = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    done,
    span: () => ({ first, last }),
    completedOne() {
      const at = performance.now();
      if (completed === 0) first = at;
      last = at;
      if (++completed >= total) finish();
    },
  };
}

/**
 * Resolves once `total` tasks of our engine reached `completed` in any process (counted from the engine's event
 * channel).
 */
export async function countOurCompletions(total: number): Promise<CompletionCounter> {
  const subscriber = connectRedis();
  const tracker = completionTracker(total);
  subscriber.on('message', (_channel: string, message: string) => {
    const event = JSON.parse(message) as { type: string; status?: string };
    if (event.type === 'changed' && event.status === 'completed') tracker.completedOne();
  });
  await subscriber.subscribe(redisKeys('taskmcp', BENCH_NAME).events);
  return { done: tracker.done, span: tracker.span, close: async () => void (await subscriber.quit()) };
}

/** Resolves once `total` BullMQ jobs of the bench queue completed, in any process (from the queue's events). */
export async function countBullQueueCompletions(total: number): Promise<CompletionCounter> {
  const events = new QueueEvents(BENCH_NAME, { connection: connectRedis() });
  await events.waitUntilReady();
  const tracker = completionTracker(total);
  events.on('completed', () => tracker.completedOne());
  return { done: tracker.done, span: tracker.span, close: () => events.close() };
}

/** Resolves once `engine` (a consumer in this process) has completed `total` tasks, from its observer. */
export function countEngineCompletions(engine: RedisTaskEngine, total: number): Promise<void> {
  let completed = 0;
  return new Promise((resolve) => {
    engine.observe({
      ended: (record) => {
        if (record.status === 'completed' && ++completed >= total) resolve();
      },
    });
  });
}

/** Resolves once `worker` has completed `total` jobs. */
export function countBullCompletions(worker: Worker, total: number): Promise<void> {
  let completed = 0;
  return new Promise((resolve) => {
    worker.on('completed', () => {
      if (++completed >= total) resolve();
    });
  });
}
