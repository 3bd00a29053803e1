import { Redis } from 'ioredis';
import { REDIS_URL, redisAvailable, TEST_PREFIX } from './redis.js';

/** After the run, remove every key the tests left in Redis (records expire anyway; BullMQ metadata does not). */
export async function teardown(): Promise<void> {
  if (!(await redisAvailable())) return;
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${TEST_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
