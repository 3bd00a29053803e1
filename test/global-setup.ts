import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** One id per run: every test key of this run (and only of this run) carries it; see TEST_PREFIX. */
export function setup(): void {
  process.env.TASKMCP_TEST_RUN ??= randomBytes(4).toString('hex');
}

/** After the run, remove every key the tests left in Redis (records expire anyway; BullMQ metadata does not). */
export async function teardown(): Promise<void> {
  // Imported here, after setup() chose the run id that TEST_PREFIX reads.
  const { REDIS_URL, redisAvailable, TEST_PREFIX } = await import('./redis.js');
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
