/**
 * Redis for the tests. Under CI=true a missing Redis is a failure (CI must provide one); on a developer machine
 * without Redis the Redis cases are left out with a warning.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisTaskEngine, type RedisTaskEngineOptions } from 'taskmcp/redis';

export const REDIS_URL = process.env.TASKMCP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
/**
 * Every key the tests create starts with this, so the global teardown can remove them. It is unique to the run
 * (set by the global setup, inherited by test workers and the processes they start), so runs on one Redis never
 * delete each other's keys.
 */
export const TEST_PREFIX = `taskmcp-test-${process.env.TASKMCP_TEST_RUN ?? 'adhoc'}`;

export async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether Redis tests run; throws under CI when Redis is missing. */
export async function requireRedis(): Promise<boolean> {
  if (await redisAvailable()) return true;
  if (process.env.CI === 'true') {
    throw new Error(`Redis is not reachable at ${REDIS_URL}, and CI=true: the Redis tests must run in CI.`);
  }
  console.warn(`Redis is not reachable at ${REDIS_URL}: skipping the Redis engine's tests.`);
  return false;
}

/** A unique server name, so concurrent tests never share tasks or queues. */
export function uniqueName(label = 'srv'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

export function redisEngine(options: Partial<RedisTaskEngineOptions> = {}): RedisTaskEngine {
  return new RedisTaskEngine({ url: REDIS_URL, name: uniqueName(), prefix: TEST_PREFIX, ...options });
}
