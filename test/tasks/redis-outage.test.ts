/**
 * A Redis outage as a user meets it: while Redis is down, task requests answer one clean JSON-RPC error (-32011)
 * and nothing crashes; a handler that finishes during the outage keeps its result and stores it once Redis is
 * back; everything recovers by itself. Runs against a private redis-server (AOF on) that the test stops and
 * starts, never the shared one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TaskMCP } from 'taskmcp';
import { RedisTaskEventBus } from 'taskmcp/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis } from '../../chaos/lib/redis-server.js';
import { eventually, rpc, serveOverHttp, untilStatus } from '../helpers.js';
import { requireRedis } from '../redis.js';

const enabled = await requireRedis();

describe.runIf(enabled)('Redis outage', () => {
  let redis: PrivateRedis;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taskmcp-outage-'));
    redis = await PrivateRedis.start(dir);
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers -32011 while Redis is down, keeps a result finished meanwhile, and recovers by itself', async () => {
    const logs: string[] = [];
    const server = new TaskMCP({
      name: 'outage',
      version: '1',
      logger: (level, message) => logs.push(`${level} ${message}`),
      tasks: { engine: redis.url },
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    server.tool({ name: 'slow', task: { mode: 'required', pollIntervalMs: 20 } }, async () => {
      started = true;
      await released;
      return 'finished during the outage';
    });
    const { url, close } = await serveOverHttp(server);
    try {
      const created = await rpc(url, 'tools/call', { name: 'slow', arguments: {} });
      const taskId = created.result?.taskId as string;
      await eventually(() => started);

      await redis.stop();
      const during = await rpc(url, 'tasks/get', { taskId });
      expect(during.status).toBe(200);
      expect(during.error).toEqual({
        code: -32011,
        message: 'The task engine is unavailable right now (reading a task); try again shortly.',
      });
      release(); // the handler returns while Redis is down: its result must not be lost

      await redis.start();
      const done = await untilStatus(url, taskId, ['completed'], undefined, 30_000);
      expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'finished during the outage' }] });
      expect(logs.some((line) => line.startsWith(`warning Redis at ${redis.url} is unreachable`))).toBe(true);
      expect(logs.some((line) => line === `info Redis at ${redis.url} is reachable again.`)).toBe(true);
    } finally {
      release();
      await close();
    }
  });

  it('hears task events again once Redis is back', async () => {
    const connection = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    connection.on('error', () => {}); // the outage below is on purpose
    const bus = new RedisTaskEventBus(connection, 'taskmcp:{outage}:bus-events', (subscriber) =>
      subscriber.on('error', () => {}),
    );
    const heard: string[] = [];
    await bus.subscribe((event) => heard.push(event.taskId));
    try {
      await redis.stop();
      await redis.start();
      // Publishes until one is heard: the subscription comes back with the connection, not at a known moment.
      await eventually(async () => {
        await bus.publish({ type: 'changed', taskId: 'after-restart', status: 'working' }).catch(() => {});
        return heard.includes('after-restart');
      }, 30_000);
    } finally {
      await bus.close();
      connection.disconnect();
    }
  });
});
