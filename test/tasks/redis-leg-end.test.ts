/**
 * How a leg ends on the Redis engine: its outcome's write travels in the script that completes its BullMQ job
 * (queue.ts `carryEnds`). These tests reach into the queue's internals on purpose, to make BullMQ behave as a
 * version we do not know might.
 */
import type { TaskQueue } from 'taskmcp';
import type { RedisTaskEngine } from 'taskmcp/redis';
import { afterEach, describe, expect, it } from 'vitest';
import { ok, spec } from '../../src/testing/support.js';
import { eventually } from '../helpers.js';
import { redisEngine, requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();

type Args = Array<string | number | Buffer>;
/** What the test changes: the worker connection's commands, and which one the queue believes it wrapped. */
interface QueueInternals {
  workerRedis: Record<string, unknown> & {
    scriptsSet: Record<string, { lua: string }>;
    defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  };
  carrying: { name: string; wrapper: (args: Args) => Promise<unknown> };
}

describe.runIf(enabled)('the end of a leg on Redis', () => {
  let engine: RedisTaskEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('stores the outcome alone when BullMQ completes the job without the wrapped command', async () => {
    let runs = 0;
    engine = redisEngine({ name: uniqueName('leg-end') });
    await engine.start({
      runner: async () => {
        runs++;
        return ok('stored anyway');
      },
    });
    const queue = (engine as unknown as { queue: TaskQueue }).queue as unknown as QueueInternals;
    const redis = queue.workerRedis;
    const { name } = queue.carrying;
    // BullMQ's own script under another name: a BullMQ that completes jobs some other way than the command we
    // wrapped, while the queue still believes its wrapper is in place (so it offers to carry the write).
    redis.defineCommand('testFinishWithoutCarrying', { numberOfKeys: 14, lua: redis.scriptsSet[name]!.lua });
    const bypass = (args: Args) =>
      (redis.testFinishWithoutCarrying as (args: Args) => Promise<unknown>).call(redis, args);
    redis[name] = bypass;
    queue.carrying.wrapper = bypass;

    const { taskId } = await engine.create(spec());
    const done = await eventually(async () => {
      const record = await engine!.get(taskId);
      return record?.status === 'completed' ? record : undefined;
    });
    expect(done.result).toEqual({ content: [{ type: 'text', text: 'stored anyway' }] });
    expect(
      await (engine as unknown as { queue: TaskQueue }).queue.holds({ taskId, leg: 1, attempt: 1 }),
    ).toBe(false);
    expect(runs).toBe(1);
  });
});
