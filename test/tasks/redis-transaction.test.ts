import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptTransaction } from '../../src/tasks/redis/transaction.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();

/** A connection with two scripts, as the creation connection has (the insert and BullMQ's addJob). */
function scripted(options: { lazyConnect?: boolean } = {}): Redis {
  const redis = new Redis(REDIS_URL, options);
  redis.defineCommand('txSet', { numberOfKeys: 1, lua: "redis.call('SET', KEYS[1], ARGV[1]) return 1" });
  redis.defineCommand('txAppend', {
    numberOfKeys: 1,
    lua: "if ARGV[1] == 'fail' then return redis.error_reply('refused') end return redis.call('APPEND', KEYS[1], ARGV[1])",
  });
  return redis;
}

describe.runIf(enabled)('ScriptTransaction (MULTI without ioredis pipelines)', () => {
  const connections: Redis[] = [];
  afterEach(async () => {
    for (const redis of connections.splice(0)) {
      const keys = await redis.keys(`${TEST_PREFIX}:tx:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
  const open = (options?: { lazyConnect?: boolean }) => {
    const redis = scripted(options);
    connections.push(redis);
    return redis;
  };

  it('runs its scripts in one transaction and answers each reply or error in order', async () => {
    const redis = open();
    await redis.ping();
    const key = `${TEST_PREFIX}:tx:${uniqueName('a')}`;
    const tx = new ScriptTransaction(redis);
    void tx.script('txSet', [key, 'x']);
    void tx.script('txAppend', [key, 'y']);
    void tx.script('txAppend', [key, 'fail']);
    const results = await tx.exec();
    expect(results.slice(0, 2)).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(results[2]![0]?.message).toContain('refused');
    expect(await redis.get(key)).toBe('xy');
  });

  it('keeps every script inside its transaction when sent before the connection is ready', async () => {
    // Connected but not yet ready (the ready check in flight), ioredis writes MULTI and EXEC at once (Redis takes
    // them while loading) but holds the scripts back until ready.
    const redis = open({ lazyConnect: true });
    const keys = Array.from({ length: 20 }, (_, i) => `${TEST_PREFIX}:tx:${uniqueName(`b${i}`)}`);
    const sent = new Promise<Array<Promise<Array<[Error | null, unknown]>>>>((resolve) => {
      redis.once('connect', () => {
        expect(redis.status).toBe('connect');
        resolve(
          keys.map((key) => {
            const tx = new ScriptTransaction(redis);
            void tx.script('txSet', [key, 'x']);
            void tx.script('txAppend', [key, 'y']);
            return tx.exec();
          }),
        );
      });
    });
    await redis.connect();
    expect(await Promise.all(await sent)).toEqual(
      keys.map(() => [
        [null, 1],
        [null, 2],
      ]),
    );
    for (const key of keys) expect(await redis.get(key)).toBe('xy');
  });

  it('does not interleave transactions sent at once on one connection', async () => {
    const redis = open();
    await redis.ping();
    const key = `${TEST_PREFIX}:tx:${uniqueName('c')}`;
    const all = Array.from({ length: 50 }, (_, i) => {
      const tx = new ScriptTransaction(redis);
      void tx.script('txSet', [key, `${i}`]);
      void tx.script('txAppend', [key, `-${i}`]);
      return tx.exec();
    });
    const results = await Promise.all(all);
    results.forEach((result, i) => {
      expect(result).toEqual([
        [null, 1],
        [null, `${i}-${i}`.length],
      ]);
    });
    expect(await redis.get(key)).toBe('49-49');
  });
});
