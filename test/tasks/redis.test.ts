import { Redis } from 'ioredis';
import { TaskMCP } from 'taskmcp';
import { Client } from 'taskmcp/client';
import { BullMQTaskQueue, RedisTaskEventBus, RedisTaskStore, redisKeys } from 'taskmcp/redis';
import {
  describeBusContract,
  describeEngineContract,
  describeQueueContract,
  describeStoreContract,
} from 'taskmcp/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { REDIS_URL, redisEngine, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();

describe.runIf(enabled)('Redis implementations', () => {
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

  it('prunes an ended task from its owner’s listing once it expires', async () => {
    const redis = new Redis(REDIS_URL);
    const keys = redisKeys(TEST_PREFIX, uniqueName('owner'));
    const store = new RedisTaskStore(redis, keys);
    try {
      const now = Date.now();
      const task = (taskId: string) => ({
        taskId,
        toolName: 't',
        owner: 'o',
        status: 'working' as const,
        createdAt: now,
        lastUpdatedAt: now,
        ttlMs: 100,
        pollIntervalMs: 100,
        args: {},
        leg: 1,
        attempt: 1,
        checkAt: now + 60_000,
      });
      await store.insert(task('tbrief'), '{}');
      await store.insert(task('tlong'), '{}');
      const end = Date.now();
      await store.update('tbrief', (current) => ({
        ...current,
        status: 'completed',
        expiresAt: end + 100,
        checkAt: undefined,
      }));
      expect(await redis.zrange(keys.live, 0, -1)).toEqual(['tlong']);
      expect(await redis.exists(keys.context('tbrief'))).toBe(0);
      // Once the retention has passed, the next insert prunes the listing (and the record expired by itself).
      await eventually(async () => (await redis.exists(keys.task('tbrief'))) === 0);
      await store.insert(task('tnext'), '{}');
      expect(await redis.zrange(keys.owner('o'), 0, -1)).toEqual(['tlong', 'tnext']);
      expect(await redis.zcard(keys.expiring)).toBe(0);
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

  describeQueueContract('redis (BullMQ)', async () => {
    const redis = new Redis(REDIS_URL);
    const queue = new BullMQTaskQueue(redis, {
      prefix: redisKeys(TEST_PREFIX, uniqueName('queue')).queuePrefix,
      leaseMs: 5_000,
      stalledCheckMs: 1_000,
      // As the engine builds it: BullMQ's worker needs a connection that waits out outages.
      workerConnection: () => redis.duplicate({ maxRetriesPerRequest: null }),
    });
    await queue.open();
    const close = queue.close.bind(queue);
    queue.close = async () => {
      await close();
      redis.disconnect();
    };
    return queue;
  });
});
