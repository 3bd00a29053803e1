/**
 * Engine-level fixtures shared by the engine drain and scale-out scenarios: task specs, a no-op leg runner, and
 * completion counters for our engine (its event channel) and raw BullMQ (worker events), so both sides are timed
 * the same way: from starting the consumers to the last completion.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { CreateTaskSpec, LegRunner } from 'taskmcp';
import { redisKeys } from 'taskmcp/redis';
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

/** Resolves once `total` tasks of our engine reached `completed` (counted from the engine's event channel). */
export async function countOurCompletions(
  total: number,
): Promise<{ done: Promise<void>; close(): Promise<void> }> {
  const subscriber = connectRedis();
  let completed = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  subscriber.on('message', (_channel: string, message: string) => {
    const event = JSON.parse(message) as { type: string; status?: string };
    if (event.type === 'changed' && event.status === 'completed' && ++completed >= total) finish();
  });
  await subscriber.subscribe(redisKeys('taskmcp', BENCH_NAME).events);
  return { done, close: async () => void (await subscriber.quit()) };
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
