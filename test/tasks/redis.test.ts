import { Redis } from 'ioredis';
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
