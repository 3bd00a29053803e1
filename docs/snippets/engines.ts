// Type-checked code for docs/engines.md. Each //#region is shown verbatim on that page.
import { MemoryTaskEngine, TaskMCP } from 'taskmcp';
import { RedisTaskEngine } from 'taskmcp/redis';

export function memory() {
  //#region memory
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    tasks: { engine: new MemoryTaskEngine({ concurrency: 4 }) },
  });
  //#endregion
  return server;
}

export function redisUrl() {
  //#region redis-url
  // Every process that shares tasks uses the same server name: it is the namespace in Redis.
  const server = new TaskMCP({
    name: 'reports',
    version: '1.0.0',
    tasks: { engine: process.env.TASKMCP_TASKS_URL ?? 'redis://127.0.0.1:6379' },
  });
  //#endregion
  return server;
}

export function redisInstance() {
  //#region redis-instance
  const engine = new RedisTaskEngine({
    url: 'redis://127.0.0.1:6379/0',
    name: 'reports', // namespace shared by all front ends and workers of this server
    concurrency: 8, // legs this process runs at once
    leaseMs: 4_000, // a crashed worker's legs run elsewhere once this lapses (renewed every 2 s)
    maxStalledCount: 3, // a leg lost with its worker more often than this fails its task
    durability: { settleDeadlineMs: 120_000 }, // a finished leg retries storing its result through outages
  });
  const server = new TaskMCP({ name: 'reports', version: '1.0.0', tasks: { engine } });
  //#endregion
  return server;
}

export async function frontEndOnly(server: TaskMCP) {
  //#region front-end
  // A front end that creates and answers tasks but leaves running them to workers.
  await server.run({ transport: 'http', port: 3000, worker: false });
  //#endregion
}

export async function shutdown(server: TaskMCP) {
  //#region shutdown
  process.on('SIGTERM', async () => {
    // Running legs get 10 s to finish; the rest go back to the queue for another worker.
    await server.close({ drainMs: 10_000 });
    process.exit(0);
  });
  //#endregion
}
