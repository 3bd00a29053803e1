import { Redis } from 'ioredis';
import { TaskMCP } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { RedisTaskEventBus, RedisTaskStore, redisKeys } from 'taskmcp/redis';
import { describe, expect, it } from 'vitest';
import { REDIS_URL, redisEngine, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';
import { describeBusContract, describeEngineContract, describeStoreContract } from './contract.js';

const enabled = await requireRedis();

describe.runIf(enabled)('Redis implementations', () => {
  it('sweeps queued legs whose task expired before any worker ran them', async () => {
    const engine = redisEngine({ sweepIntervalMs: 0 });
    await engine.start({ worker: false });
    try {
      const base = { toolName: 't', owner: 'o', args: {}, pollIntervalMs: 100, context: '{}' };
      const doomed = await engine.create({ ...base, taskId: `tsweep${uniqueName()}`, ttlMs: 100 });
      await engine.create({ ...base, taskId: `tkeep${uniqueName()}`, ttlMs: 60_000 });
      expect(await engine.pendingLegs()).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await engine.get(doomed.taskId)).toBeNull();
      expect(await engine.sweep()).toBe(1);
      expect(await engine.pendingLegs()).toBe(1);
    } finally {
      await engine.close();
    }
  });

  it.each([
    ['the tasks.engine option', (url: string) => ({ engine: url })],
    [
      'TASKMCP_TASKS_URL',
      (url: string) => {
        process.env.TASKMCP_TASKS_URL = url;
        return {};
      },
    ],
  ])('runs tasks on Redis when %s names a redis:// URL', async (_how, configure) => {
    const name = uniqueName('by-url');
    const server = new TaskMCP({ name, version: '1', logger: () => {}, tasks: configure(REDIS_URL) });
    server.tool({ name: 'double', task: { mode: 'required' } }, () => 'twice');
    const { url } = await server.run({ transport: 'http', port: 0 });
    const client = await Client.connect(url!);
    const redis = new Redis(REDIS_URL);
    try {
      expect(server.engine.kind).toBe('redis');
      const handle = await client.callToolTask('double');
      expect(await redis.exists(redisKeys('taskmcp', name).task(handle.id!))).toBe(1);
      expect((await handle.result()).content).toEqual([{ type: 'text', text: 'twice' }]);
    } finally {
      delete process.env.TASKMCP_TASKS_URL;
      await client.close();
      await server.close();
      const keys = await redis.keys(`taskmcp:{${name}}*`);
      if (keys.length > 0) await redis.unlink(...keys);
      redis.disconnect();
    }
  });

  it('keeps an owner’s listing only as long as the owner’s longest-lived task', async () => {
    const redis = new Redis(REDIS_URL);
    const keys = redisKeys(TEST_PREFIX, uniqueName('owner'));
    const store = new RedisTaskStore(redis, keys);
    try {
      const now = Date.now();
      const base = {
        toolName: 't',
        owner: 'o',
        status: 'working' as const,
        createdAt: now,
        lastUpdatedAt: now,
      };
      const task = (taskId: string, ttlMs: number) => ({
        ...base,
        taskId,
        ttlMs,
        pollIntervalMs: 100,
        args: {},
        leg: 1,
        attempt: 1,
      });
      await store.insert(task('tlong', 60_000), '{}');
      await store.insert(task('tshort', 200), '{}');
      const ttl = await redis.pttl(keys.owner('o'));
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await new Promise((resolve) => setTimeout(resolve, 250));
      // the next insert trims entries of expired tasks
      await store.insert(task('tnext', 1_000), '{}');
      expect(await redis.zrange(keys.owner('o'), 0, -1)).toEqual(['tnext', 'tlong']);
    } finally {
      redis.disconnect();
    }
  });

  describeEngineContract('redis', async (options) => redisEngine({ ...options, leaseMs: 5_000 }));

  describeStoreContract('redis', async () => {
    const redis = new Redis(REDIS_URL);
    const store = new RedisTaskStore(redis, redisKeys(TEST_PREFIX, uniqueName('store')));
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      redis.disconnect();
    };
    return store;
  });

  describeBusContract('redis', async () => {
    const redis = new Redis(REDIS_URL);
    const bus = new RedisTaskEventBus(redis, redisKeys(TEST_PREFIX, uniqueName('bus')).events);
    const close = bus.close.bind(bus);
    bus.close = async () => {
      await close();
      redis.disconnect();
    };
    return bus;
  });
});
