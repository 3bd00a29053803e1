/**
 * Snapshots at rest on the Redis engine: with a key, no credential is readable anywhere in Redis; a worker that
 * cannot decrypt (wrong key, no key, altered snapshot) fails the task instead of running it as nobody.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { getAccessToken, getHttpHeaders, TaskMCP } from 'taskmcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JwtIssuer, startJwtIssuer } from '../fixtures/jwt-issuer.js';
import { eventually, rpc, untilStatus } from '../helpers.js';
import { REDIS_URL, redisEngine, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('hex');

describe('encryption key validation', () => {
  it('refuses a malformed key at construction, naming the setting and the expected format', () => {
    const build = (encryptionKey: string) =>
      new TaskMCP({ name: 'k', version: '1', logger: () => {}, tasks: { encryptionKey } });
    expect(() => build('too-short')).toThrow(/tasks\.encryptionKey must be 32 random bytes.*openssl rand/);
    expect(() => build(randomBytes(16).toString('hex'))).toThrow(/32 random bytes/);
    expect(() => build(KEY)).not.toThrow();
    expect(() => build(OTHER_KEY)).not.toThrow();
    expect(() => build(randomBytes(32).toString('base64url'))).not.toThrow();
    expect(() => build(`${KEY},${OTHER_KEY}`)).not.toThrow();
    expect(() => build(`${KEY},oops`)).toThrow(/tasks\.encryptionKey \(key 2 of 2\) must be 32 random bytes/);
    const previous = process.env.TASKMCP_TASKS_ENCRYPTION_KEY;
    process.env.TASKMCP_TASKS_ENCRYPTION_KEY = 'not-a-key';
    try {
      expect(() => new TaskMCP({ name: 'k', version: '1', logger: () => {} })).toThrow(
        /TASKMCP_TASKS_ENCRYPTION_KEY must be 32 random bytes/,
      );
    } finally {
      if (previous === undefined) delete process.env.TASKMCP_TASKS_ENCRYPTION_KEY;
      else process.env.TASKMCP_TASKS_ENCRYPTION_KEY = previous;
    }
  });
});

describe.runIf(enabled)('context snapshots at rest (redis engine)', () => {
  let issuer: JwtIssuer;
  let redis: Redis;
  const servers: TaskMCP[] = [];
  /** How often the handler ran, per server name: a task that cannot restore its caller must not run at all. */
  const runs = new Map<string, number>();
  /** Server names whose `hold` task is running (its snapshot is in Redis until it ends). */
  const holding = new Set<string>();

  /** A server of deployment `name`: a front end (HTTP, no worker) or a worker, with the given key. */
  async function node(name: string, role: 'front' | 'worker', encryptionKey: string | undefined) {
    const server = new TaskMCP({
      name,
      version: '1.0.0',
      logger: () => {},
      tasks: { engine: redisEngine({ name }), encryptionKey },
      auth: {
        verifier: issuer.verifier(),
      },
    });
    server.tool({ name: 'whoami', task: { mode: 'required', pollIntervalMs: 20 } }, () => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      // Deliberately no credential in the result: the result is stored in Redis unencrypted.
      return {
        sub: getAccessToken()?.claims.sub ?? null,
        sawCredential: getHttpHeaders({ include: ['authorization'] }).authorization !== undefined,
      };
    });
    server.tool(
      { name: 'hold', task: { mode: 'required', pollIntervalMs: 20 } },
      (_args, ctx) =>
        new Promise<string>((resolve) => {
          holding.add(name);
          ctx.signal.addEventListener('abort', () => resolve('released'), { once: true });
        }),
    );
    servers.push(server);
    if (role === 'worker') {
      await server.start({ worker: true });
      return undefined;
    }
    return (await server.run({ transport: 'http', port: 0, worker: false })).url!;
  }

  /** Every value stored under the deployment's keys, whatever the Redis type. */
  async function dumpDeployment(name: string): Promise<Array<{ key: string; value: string }>> {
    const pattern = `${TEST_PREFIX}:{${encodeURIComponent(name)}}*`.replace(/[[\]?]/g, '\\$&');
    const dump: Array<{ key: string; value: string }> = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : `(${type})`;
        dump.push({ key, value: JSON.stringify(value) });
      }
    } while (cursor !== '0');
    return dump;
  }

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    redis?.disconnect();
    await issuer?.close();
  });

  it('leaves neither the bearer token nor the authorization header readable anywhere in Redis', async () => {
    const name = uniqueName('enc');
    const url = (await node(name, 'front', KEY))!;
    await node(name, 'worker', KEY);
    const token = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const created = await rpc(
      url,
      'tools/call',
      { name: 'whoami', arguments: {} },
      { token, headers: { cookie: 'sid=cookie-secret' } },
    );
    const taskId = created.result!.taskId as string;
    const done = await untilStatus(url, taskId, ['completed'], token);
    // The worker did get the caller: decryption works.
    expect((done.result as { structuredContent: unknown }).structuredContent).toEqual({
      sub: 'alice',
      sawCredential: true,
    });

    // While a task runs, its snapshot is in Redis, encrypted; once it ends, the snapshot is gone.
    const held = await rpc(
      url,
      'tools/call',
      { name: 'hold', arguments: {} },
      { token, headers: { cookie: 'sid=cookie-secret' } },
    );
    const heldId = held.result!.taskId as string;
    await eventually(() => holding.has(name));
    const dump = await dumpDeployment(name);
    // The scan covers the tasks: their records are among the keys found.
    for (const id of [taskId, heldId]) {
      expect(dump.some(({ key, value }) => key.endsWith(`:task:${id}`) && value.includes(id))).toBe(true);
    }
    const snapshot = dump.find(({ key }) => key.endsWith(`:ctx:${heldId}`));
    expect(snapshot?.value).toMatch(/^"taskmcp-enc:1:/);
    expect(dump.filter(({ key }) => key.includes(':ctx:'))).toEqual([snapshot]);
    expect(await redis.pttl(dump.find(({ key }) => key.endsWith(`:task:${taskId}`))!.key)).toBeGreaterThan(0);
    await rpc(url, 'tasks/cancel', { taskId: heldId }, { token });
    await untilStatus(url, heldId, ['cancelled'], token);
    expect(await redis.exists(snapshot!.key)).toBe(0);
    const tokenBody = token.split('.')[1]!;
    for (const { key, value } of dump) {
      expect(value, key).not.toContain(token);
      expect(value, key).not.toContain(tokenBody);
      expect(value.toLowerCase(), key).not.toContain('authorization');
      expect(value, key).not.toContain('cookie-secret');
    }
  });

  it.each([
    ['a different key', OTHER_KEY, /differs from the key/],
    ['no key', undefined, /encrypted, but this process has no TASKMCP_TASKS_ENCRYPTION_KEY/],
  ])('fails the task, readable via tasks/get, when the worker has %s', async (_label, workerKey, reason) => {
    const name = uniqueName('enckey');
    const url = (await node(name, 'front', KEY))!;
    await node(name, 'worker', workerKey);
    const token = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const created = await rpc(url, 'tools/call', { name: 'whoami', arguments: {} }, { token });
    const failed = await untilStatus(url, created.result!.taskId as string, ['failed', 'completed'], token);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: -32603, message: expect.stringMatching(reason) });
    expect((failed.error as { message: string }).message).toContain('TASKMCP_TASKS_ENCRYPTION_KEY');
    expect(runs.get(name)).toBeUndefined();
  });

  it('rotates keys: a worker with `new,old` runs tasks encrypted with the old key', async () => {
    const name = uniqueName('encrot');
    const url = (await node(name, 'front', KEY))!;
    await node(name, 'worker', `${randomBytes(32).toString('base64')},${KEY}`);
    const token = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const created = await rpc(url, 'tools/call', { name: 'whoami', arguments: {} }, { token });
    const done = await untilStatus(url, created.result!.taskId as string, ['completed', 'failed'], token);
    expect((done.result as { structuredContent: unknown }).structuredContent).toEqual({
      sub: 'alice',
      sawCredential: true,
    });
  });

  it('fails tasks whose stored snapshot was altered or replaced with plain JSON', async () => {
    const name = uniqueName('enccorrupt');
    const url = (await node(name, 'front', KEY))!;
    const token = await issuer.sign({ clientId: 'app', sub: 'alice' });
    const create = async () =>
      (await rpc(url, 'tools/call', { name: 'whoami', arguments: {} }, { token })).result!.taskId as string;
    const [tampered, forged] = [await create(), await create()];
    const contextKey = async (taskId: string) =>
      (await dumpDeployment(name)).find(({ key }) => key.endsWith(`:ctx:${taskId}`))!.key;
    /** Replace the stored snapshot wherever Redis keeps it: its own key, and the copy queued with the first leg. */
    const rewrite = async (taskId: string, snapshot: string) => {
      await redis.set(await contextKey(taskId), snapshot, 'KEEPTTL');
      const jobKey = (await dumpDeployment(name)).find(({ key }) => key.endsWith(`:legs:${taskId}`))!.key;
      const data = JSON.parse((await redis.hget(jobKey, 'data'))!) as { preload: { context: string } };
      data.preload.context = snapshot;
      await redis.hset(jobKey, 'data', JSON.stringify(data));
    };
    const stored = (await redis.get(await contextKey(tampered)))!;
    // Flip one byte of the ciphertext.
    const raw = Buffer.from(stored.slice('taskmcp-enc:1:'.length), 'base64');
    raw[20] = raw[20]! ^ 0xff;
    await rewrite(tampered, `taskmcp-enc:1:${raw.toString('base64')}`);
    // A plaintext snapshot claiming to be someone else must not be accepted when a key is set.
    const identity = { token: 'forged', clientId: 'app', scopes: [], extra: { sub: 'mallory' } };
    await rewrite(forged, JSON.stringify({ v: 2, requestId: 1, toolName: 'whoami', authInfo: identity }));

    await node(name, 'worker', KEY);
    for (const [taskId, reason] of [
      [tampered, /Cannot decrypt/],
      [forged, /not encrypted, but TASKMCP_TASKS_ENCRYPTION_KEY is set/],
    ] as const) {
      const failed = await untilStatus(url, taskId, ['failed', 'completed'], token, 15_000);
      expect(failed.status).toBe('failed');
      expect((failed.error as { message: string }).message).toMatch(reason);
    }
    expect(runs.get(name)).toBeUndefined();
  });
});
