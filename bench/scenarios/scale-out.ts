/**
 * Scenario 6: drain rate with 1 vs 2 worker processes (separate OS processes, concurrency 10 each) on our Redis
 * engine; raw BullMQ's own 1 → 2 scaling is measured the same way for reference. Tasks are enqueued first, then
 * the (already running, idle) worker processes are told to go; the rate is timed from the first completion to the
 * last.
 */
import { Queue } from 'bullmq';
import { RedisTaskEngine } from 'taskmcp/redis';
import { type ChildHandle, startChild } from '../lib/child.js';
import {
  BENCH_NAME,
  type CompletionCounter,
  countBullQueueCompletions,
  countOurCompletions,
  PAYLOAD,
  taskSpec,
} from '../lib/engine-fixtures.js';
import { boundedParallel } from '../lib/load.js';
import { BENCH_REDIS_URL, connectRedis, flushBenchDb } from '../lib/redis.js';
import { type Comparison, compare, printComparison, type ScenarioResult } from '../lib/results.js';
import { type BenchSettings, inAlternatingOrder, type Scenario } from '../lib/scenario.js';

const CONCURRENCY = 10;

type Mode = 'ours' | 'bullmq';

/**
 * Start the workers and time from the first completion to the last: connecting a worker takes a few milliseconds
 * (more for a process that was idle), which is start-up, not drain rate.
 */
async function go(
  mode: Mode,
  children: ChildHandle[],
  counter: CompletionCounter,
  total: number,
): Promise<number> {
  await Promise.all(children.map((child) => child.request('go', { mode })));
  await counter.done;
  const { first, last } = counter.span();
  await Promise.all(children.map((child) => child.request('halt')));
  await counter.close();
  return (total - 1) / ((last - first) / 1000);
}

async function drainOurs(total: number, children: ChildHandle[]): Promise<number> {
  const producer = new RedisTaskEngine({ url: BENCH_REDIS_URL, name: BENCH_NAME });
  await producer.start({ worker: false });
  await boundedParallel(total, 50, async () => void (await producer.create(taskSpec())));
  await producer.close();
  return go('ours', children, await countOurCompletions(total), total);
}

async function drainBullMQ(total: number, children: ChildHandle[]): Promise<number> {
  const connection = connectRedis();
  const queue = new Queue(BENCH_NAME, { connection });
  await boundedParallel(total, 50, async () => void (await queue.add('noop', PAYLOAD)));
  const rate = await go('bullmq', children, await countBullQueueCompletions(total), total);
  await queue.close();
  await connection.quit();
  return rate;
}

async function run(settings: BenchSettings): Promise<ScenarioResult> {
  const total = settings.quick ? 1_000 : 10_000;
  const admin = connectRedis();
  const pool = await Promise.all(
    [0, 1].map(() => startChild('workers/drain-worker.ts', { BENCH_CONCURRENCY: String(CONCURRENCY) })),
  );
  const one = pool.slice(0, 1);
  const rates = {
    ours1: [] as number[],
    ours2: [] as number[],
    bull1: [] as number[],
    bull2: [] as number[],
  };
  for (let rep = 0; rep < settings.reps; rep++) {
    const drain = async (into: number[], drainer: typeof drainOurs, workers: ChildHandle[]) => {
      await flushBenchDb(admin);
      into.push(await drainer(total, workers));
    };
    await inAlternatingOrder(
      rep,
      () =>
        inAlternatingOrder(
          rep,
          () => drain(rates.ours1, drainOurs, one),
          () => drain(rates.ours2, drainOurs, pool),
        ),
      () =>
        inAlternatingOrder(
          rep,
          () => drain(rates.bull1, drainBullMQ, one),
          () => drain(rates.bull2, drainBullMQ, pool),
        ),
    );
  }
  await Promise.all(pool.map((child) => child.stop()));
  await flushBenchDb(admin);
  await admin.quit();
  const comparisons: Comparison[] = [
    compare({
      id: 'scale-out-ours',
      label: `Drain ${total.toLocaleString('en-US')} tasks: 2 worker processes vs 1 (RedisTaskEngine)`,
      unit: 'tasks/s',
      better: 'higher',
      oursName: '2 workers',
      baselineName: '1 worker',
      ours: rates.ours2,
      baseline: rates.ours1,
      note: 'Scaling factor of our engine; 2 cores are shared by both workers, Redis and the load generator.',
    }),
    compare({
      id: 'scale-out-bullmq',
      label: `Drain ${total.toLocaleString('en-US')} tasks: 2 worker processes vs 1 (raw BullMQ, reference)`,
      unit: 'tasks/s',
      better: 'higher',
      oursName: '2 workers',
      baselineName: '1 worker',
      ours: rates.bull2,
      baseline: rates.bull1,
    }),
    compare({
      id: 'scale-out-2-vs-bullmq',
      label: `Drain ${total.toLocaleString('en-US')} tasks with 2 worker processes: RedisTaskEngine vs raw BullMQ`,
      unit: 'tasks/s',
      better: 'higher',
      oursName: 'RedisTaskEngine',
      baselineName: 'raw BullMQ',
      ours: rates.ours2,
      baseline: rates.bull2,
    }),
  ];
  for (const row of comparisons) printComparison(row);
  return {
    id: 'scale-out',
    title: 'Scale-out: 1 vs 2 worker processes',
    method:
      `${total.toLocaleString('en-US')} no-op tasks enqueued, then 1 or 2 separate worker processes ` +
      `(concurrency ${CONCURRENCY} each) started; the rate is timed from the first completion to the last (excluding connection start-up); FLUSHDB before every run.`,
    comparisons,
    unavailable: [],
    details: { tasks: total, concurrencyPerWorker: CONCURRENCY },
  };
}

export const scaleOut: Scenario = { id: 'scale-out', title: 'Scale-out', run };
