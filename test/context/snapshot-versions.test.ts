/**
 * Rolling deploys: a worker reads snapshots written by an older taskmcp (format v1) and refuses ones from a newer
 * one (failing the task with a message that says to upgrade workers first) instead of guessing.
 */

import { Redis } from 'ioredis';
import { TaskMCP } from 'taskmcp';
import { afterAll, describe, expect, it } from 'vitest';
import { callerView } from '../fixtures/caller-tools.js';
import { rpc, untilStatus } from '../helpers.js';
import { REDIS_URL, redisEngine, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();

describe.runIf(enabled)('snapshot format versions (redis engine)', () => {
  const servers: TaskMCP[] = [];
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    for (const server of servers) await server.close();
    redis.disconnect();
  });

  function build(name: string): TaskMCP {
    const server = new TaskMCP({
      name,
      version: '1',
      logger: () => {},
      tasks: { engine: redisEngine({ name }) },
    });
    server.tool({ name: 'caller', task: { mode: 'required', pollIntervalMs: 20 } }, () => ({
      ...callerView(),
    }));
    servers.push(server);
    return server;
  }

  it('runs a task whose snapshot is v1 and fails one whose snapshot is from a newer version', async () => {
    const name = uniqueName('snapv');
    const url = (await build(name).run({ transport: 'http', port: 0, worker: false })).url!;
    const create = async () =>
      (await rpc(url, 'tools/call', { name: 'caller', arguments: {} })).result!.taskId as string;
    const [old, newer] = [await create(), await create()];
    const contextKey = (taskId: string) => `${TEST_PREFIX}:{${encodeURIComponent(name)}}:ctx:${taskId}`;
    expect(JSON.parse((await redis.get(contextKey(old)))!).v).toBe(2);
    // What taskmcp 0.1 wrote: token, request id, session id; no headers.
    const v1 = {
      v: 1,
      requestId: 'old-request',
      toolName: 'caller',
      authInfo: { token: 'old-token', clientId: 'legacy-client', scopes: ['a'], extra: { sub: 'ann' } },
    };
    /**
     * Make a task look as if another version of taskmcp had queued it: its snapshot is `snapshot`, and its first
     * leg carries the same copy, or (taskmcp 0.1) no copy at all.
     */
    const queuedBy = async (taskId: string, snapshot: unknown, { carriesCopy }: { carriesCopy: boolean }) => {
      await redis.set(contextKey(taskId), JSON.stringify(snapshot), 'KEEPTTL');
      const jobKey = `${TEST_PREFIX}:{${encodeURIComponent(name)}}:legs:${taskId}`;
      const data = JSON.parse((await redis.hget(jobKey, 'data'))!) as { preload?: { context: string } };
      if (carriesCopy) data.preload!.context = JSON.stringify(snapshot);
      else delete data.preload;
      await redis.hset(jobKey, 'data', JSON.stringify(data));
    };
    await queuedBy(old, v1, { carriesCopy: false });
    await queuedBy(newer, { v: 3, requestId: 1, toolName: 'caller' }, { carriesCopy: true });

    await build(name).start({ worker: true });
    const done = await untilStatus(url, old, ['completed', 'failed']);
    expect((done.result as { structuredContent: unknown }).structuredContent).toMatchObject({
      requestId: 'old-request',
      token: { token: 'old-token', clientId: 'legacy-client', sub: 'ann' },
      headers: {},
      request: null,
    });
    const refused = await untilStatus(url, newer, ['completed', 'failed']);
    expect(refused.status).toBe('failed');
    expect((refused.error as { message: string }).message).toMatch(
      /Unsupported task context snapshot version 3.*upgrade workers before front ends/,
    );
  });
});
