/** Both session event logs (resumable 2025-11-25 session streams) against the contract suite. */
import { Redis } from 'ioredis';
import { MemorySessionEventLog } from 'taskmcp';
import { RedisSessionEventLog, redisKeys } from 'taskmcp/redis';
import { describeSessionEventsContract } from 'taskmcp/testing';
import { afterAll, describe } from 'vitest';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

describeSessionEventsContract('memory', async (bounds) => new MemorySessionEventLog(bounds));

const enabled = await requireRedis();
describe.runIf(enabled)('Redis session event log', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const keys = redisKeys(TEST_PREFIX, uniqueName('session-events'));
  afterAll(() => redis.quit());
  describeSessionEventsContract('redis', async (bounds) => new RedisSessionEventLog(redis, keys, bounds));
});
