/**
 * A worker process for the recovery scenario. `BENCH_MODE=ours` runs our Redis engine with its default lease and
 * stalled check (the defaults are what is measured, so nothing here overrides them; `BENCH_DURABILITY` may set the
 * reconciler's options as JSON, `BENCH_NAMESPACE` the task namespace); `BENCH_MODE=bullmq` runs a raw BullMQ
 * Worker with the same lock duration and stalled interval. Each handler runs until the parent sends `release` (or
 * for 5 minutes), like a long tool.
 *
 * Every handler start is reported with this process's pid and the wall-clock time, on the Redis list named by
 * `BENCH_STARTS_KEY` when it is set, so the parent can time how long a task takes to start again on another worker
 * after it `kill -9`s this one. The process also counts every Redis command it sends, by name (scripts by their
 * name rather than EVALSHA), through ioredis's diagnostics channel: the reconciler-cost measurement reads it.
 */
import { createHash } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DurabilityOptions, LegRunner } from 'taskmcp';
import { REDIS_LEASE_MS, REDIS_STALLED_CHECK_MS, RedisTaskEngine } from 'taskmcp/redis';
import { BENCH_NAME, RESULT } from '../lib/engine-fixtures.js';
import { BENCH_REDIS_URL, connectRedis } from '../lib/redis.js';
import { announce, onRequest } from '../servers/ipc.js';

const HOLD_MS = 5 * 60_000;
const mode = process.env.BENCH_MODE === 'bullmq' ? 'bullmq' : 'ours';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const startsKey = process.env.BENCH_STARTS_KEY;
const durability = JSON.parse(process.env.BENCH_DURABILITY ?? '{}') as DurabilityOptions;
const name = process.env.BENCH_NAMESPACE ?? BENCH_NAME;

// Script names by SHA-1 of their source, learnt as BullMQ and our store define them (BullMQ appends its version).
const scriptNames = new Map<string, string>();
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const define = Redis.prototype.defineCommand;
Redis.prototype.defineCommand = function (command, definition) {
  scriptNames.set(sha1(definition.lua), command.replace(/:[\d.]+$/, ''));
  return define.call(this, command, definition);
};

const commands: Record<string, number> = {};
subscribe('tracing:ioredis:command:start', (message) => {
  const { command, args } = message as { command: string; args: string[] };
  let counted = command;
  if (command === 'evalsha') counted = scriptNames.get(args[0] ?? '') ?? 'evalsha (unknown script)';
  else if (command === 'eval') counted = scriptNames.get(sha1(args[0] ?? '')) ?? 'eval';
  commands[counted] = (commands[counted] ?? 0) + 1;
});

let started = 0;
const releases = new Set<() => void>();
const startWaiters = new Set<() => void>();
const reporter = startsKey ? connectRedis() : undefined;

/** Report the start, then hold until released, aborted or HOLD_MS passed. */
async function hold(taskId: string, signal?: AbortSignal): Promise<void> {
  const at = Date.now();
  started++;
  for (const wake of startWaiters) wake();
  if (reporter) await reporter.rpush(startsKey!, JSON.stringify({ taskId, pid: process.pid, at }));
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      releases.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, HOLD_MS);
    releases.add(done);
    signal?.addEventListener('abort', done);
  });
}

let close: () => Promise<void>;
if (mode === 'ours') {
  const runner: LegRunner = async (run) => {
    await hold(run.taskId, run.signal);
    return { type: 'result', result: RESULT };
  };
  const engine = new RedisTaskEngine({ url: BENCH_REDIS_URL, name, concurrency, durability });
  await engine.start({ runner });
  close = () => engine.close();
} else {
  const connection = connectRedis();
  const worker = new Worker(
    name,
    async (job) => {
      await hold(job.id!);
      return RESULT;
    },
    { connection, concurrency, lockDuration: REDIS_LEASE_MS, stalledInterval: REDIS_STALLED_CHECK_MS },
  );
  await worker.waitUntilReady();
  close = async () => {
    await worker.close(true);
    await connection.quit();
  };
}

/** Let every running handler return now. */
onRequest('release', async () => {
  const running = [...releases];
  for (const release of running) release();
  return { released: running.length };
});

/** Resolves once `count` handlers have started here (or fails after `timeoutMs`). */
onRequest('waitStarted', async (message) => {
  const count = Number(message.count);
  const deadline = Date.now() + Number(message.timeoutMs ?? 60_000);
  while (started < count) {
    if (Date.now() > deadline) throw new Error(`Only ${started} of ${count} handlers started in time.`);
    await new Promise<void>((resolve) => {
      const wake = () => {
        startWaiters.delete(wake);
        resolve();
      };
      startWaiters.add(wake);
      setTimeout(wake, 1000);
    });
  }
  return { started };
});

/** Redis commands this process has sent so far, by name. */
onRequest('commands', async () => ({ commands: { ...commands } }));

announce({}, async () => {
  await close();
  await reporter?.quit();
});
