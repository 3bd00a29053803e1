/**
 * The Redis engine's lifecycle as a user meets it: no I/O before start, every connection closed by close(), and
 * a clear, redacted error when Redis cannot be reached.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisTaskEngine } from 'taskmcp/redis';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const EXIT_FIXTURE = fileURLToPath(new URL('../fixtures/redis-exit.ts', import.meta.url));

describe.runIf(enabled)('Redis engine lifecycle', () => {
  it('writes nothing to Redis before it is started', async () => {
    const name = uniqueName('lazy');
    const redis = new Redis(REDIS_URL);
    try {
      const engine = new RedisTaskEngine({ url: REDIS_URL, name, prefix: TEST_PREFIX });
      expect(await redis.keys(`${TEST_PREFIX}:{${name}}*`)).toEqual([]);
      await engine.start({ worker: false });
      await engine.close();
    } finally {
      redis.disconnect();
    }
  });

  it('opens its task-creation connection only when it first creates a task (a worker process never does)', async () => {
    const name = uniqueName('connections');
    // Connections the engine makes are duplicates of this one, so they carry its name in CLIENT LIST.
    const redis = new Redis(REDIS_URL, { connectionName: name, lazyConnect: true });
    const observer = new Redis(REDIS_URL);
    const held = async () =>
      String(await observer.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${name} `)).length;
    const engine = new RedisTaskEngine({ redis, name, prefix: TEST_PREFIX });
    try {
      await redis.connect();
      await engine.start({ runner: async () => ({ type: 'result', result: { content: [] } }) });
      const running = await held();
      expect(running).toBeGreaterThan(0);
      await engine.create({
        taskId: `t-${name}`,
        toolName: 'noop',
        owner: 'anonymous',
        args: {},
        ttlMs: 60_000,
        pollIntervalMs: 1_000,
        context: '{}',
      });
      expect(await held()).toBe(running + 1);
    } finally {
      await engine.close();
      redis.disconnect();
      observer.disconnect();
    }
  });

  it('lets a process that used it exit by itself after close()', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', EXIT_FIXTURE], {
      env: { ...process.env, REDIS_URL, SERVER_NAME: uniqueName('exit') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Closed, then nothing: the process must end on its own (no timer, socket or connection left open).
      await eventually(() => stdout.includes('closed'), 15_000);
      await eventually(() => child.exitCode !== null, 30_000);
      expect(await exit).toBe(0);
      expect(stdout).toBe('[{"type":"text","text":"hi"}]\nclosed\n');
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('names the Redis URL, password redacted, when Redis cannot be reached, and stops retrying', async () => {
    const lines: string[] = [];
    const engine = new RedisTaskEngine({ url: 'redis://:hunter2@127.0.0.1:1/0', name: uniqueName('down') });
    const failure = await engine
      .start({ worker: false, log: (_level, message) => lines.push(message) })
      .catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      'Cannot reach Redis at redis://:***@127.0.0.1:1/0: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(engine.where).toBe('redis://:***@127.0.0.1:1/0');
    await engine.close();
  });
});
