/**
 * A worker process for the scale-out scenario: on `go` it consumes the bench queue of our Redis engine
 * (`mode: 'ours'`) or of raw BullMQ (`mode: 'bullmq'`) with a no-op handler, at concurrency 10; on `halt` it stops.
 * The process is started once and reused, so process start-up (seconds under tsx) is never part of a drain.
 */
import { Worker } from 'bullmq';
import { RedisTaskEngine } from 'taskmcp/redis';
import { BENCH_NAME, noopRunner, RESULT } from '../lib/engine-fixtures.js';
import { BENCH_REDIS_URL, connectRedis } from '../lib/redis.js';
import { announce, onRequest } from '../servers/ipc.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
let halt: () => Promise<void> = async () => {};

onRequest('go', async (message) => {
  if (message.mode === 'ours') {
    const engine = new RedisTaskEngine({
      url: BENCH_REDIS_URL,
      name: BENCH_NAME,
      concurrency,
    });
    await engine.start({ runner: noopRunner });
    halt = () => engine.close({ drainMs: 1000 });
  } else {
    const connection = connectRedis();
    const worker = new Worker(BENCH_NAME, async () => RESULT, { connection, concurrency });
    await worker.waitUntilReady();
    halt = async () => {
      await worker.close();
      await connection.quit();
    };
  }
  return {};
});

onRequest('halt', async () => {
  await halt();
  halt = async () => {};
  return {};
});

announce({}, () => halt());
