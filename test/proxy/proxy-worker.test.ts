/**
 * A proxy task on the Redis engine, its legs run by `taskmcp worker` processes: the backend task's id lives in the
 * proxy task's record, so when the front end and the worker are both replaced mid-task, the new ones answer for
 * the task and follow the same backend task to its end instead of starting another. Against an SDK v1 tasks server
 * the record also carries the backend session the task lives on, which the new worker's legs come back to.
 */
import { staticTokenVerifier, type TaskMCP } from 'taskmcp';
import { createProxy } from 'taskmcp/proxy';
import { RedisTaskEngine } from 'taskmcp/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startCli, stopAll } from '../cli/cli.js';
import { createProxyBackend, PROXY_TOKENS } from '../fixtures/proxy-backend.js';
import { type SdkV1Backend, startSdkV1Backend } from '../fixtures/sdk-v1-backend.js';
import { connectHttp, eventually, serveOverHttp, text } from '../helpers.js';
import { REDIS_URL, requireRedis, TEST_PREFIX, uniqueName } from '../redis.js';

const enabled = await requireRedis();
const PROXY_WORKER = 'test/fixtures/proxy-worker.ts';

describe.runIf(enabled)('a proxy task in taskmcp worker processes (redis engine)', () => {
  const name = uniqueName('proxy');
  const backend = createProxyBackend();
  let backendUrl: URL;
  let v1: SdkV1Backend;
  const running: { front?: TaskMCP; worker?: Running } = {};

  async function startWorker(): Promise<Running> {
    const worker = startCli(['worker', PROXY_WORKER, '--concurrency', '2'], {
      TASKMCP_TASKS_URL: REDIS_URL,
      TASKMCP_TASKS_PREFIX: TEST_PREFIX,
      CLI_SERVER_NAME: name,
      PROXY_BACKEND_URL: backendUrl.href,
    });
    await worker.waitFor(/worker ready/);
    return worker;
  }

  async function startFront(): Promise<{ front: TaskMCP; url: URL }> {
    const front = await createProxy({
      name,
      url: backendUrl,
      auth: 'forward',
      discoveryBearer: 'proxy-token',
      server: {
        version: '1.0.0',
        logger: () => {},
        auth: { verifier: staticTokenVerifier(PROXY_TOKENS) },
        tasks: { engine: new RedisTaskEngine({ url: REDIS_URL, name, prefix: TEST_PREFIX }) },
      },
    });
    const started = await front.run({ transport: 'http', port: 0, worker: false });
    return { front, url: started.url! };
  }

  beforeAll(async () => {
    ({ url: backendUrl } = await serveOverHttp(backend.server));
    v1 = await startSdkV1Backend();
  });
  afterAll(async () => {
    await running.front?.close();
    if (running.worker) await stopAll([running.worker]);
    await backend.server.close();
    await v1?.close();
  });

  async function replaceBoth(): Promise<URL> {
    await running.front?.close();
    if (running.worker) await stopAll([running.worker]);
    running.worker = await startWorker();
    const started = await startFront();
    running.front = started.front;
    return started.url;
  }

  it('follows the same backend task after the front end and the worker are replaced mid-task', async () => {
    running.worker = await startWorker();
    const first = await startFront();
    running.front = first.front;
    const gate = `restart-${name}`;
    const client = await connectHttp(first.url, { token: 'alice-token', era: 'modern' });
    let taskId: string;
    try {
      const handle = await client.callToolTask('report', { gate, steps: 2 });
      taskId = handle.id!;
      // The worker's legs mirror the backend task's progress: the backend task id is in the record by now.
      await eventually(async () => (await handle.status()).statusMessage === 'Crunching (2/2)');
    } finally {
      await client.close();
    }
    await running.front.close();
    await stopAll([running.worker]);

    running.worker = await startWorker();
    const second = await startFront();
    running.front = second.front;
    const again = await connectHttp(second.url, { token: 'alice-token', era: 'modern' });
    try {
      const handle = again.task(taskId);
      expect((await handle.status()).status).toBe('working');
      backend.gates.open(gate);
      const result = await handle.result();
      expect(result.structuredContent).toEqual({ token: 'alice-token', steps: 2 });
    } finally {
      await again.close();
    }
    expect(backend.seen.started.filter((start) => start.gate === gate)).toEqual([
      { tool: 'report', token: 'alice-token', gate },
    ]);
  });

  it('follows an SDK v1 backend task on its session after the front end and the worker are replaced', async () => {
    backendUrl = v1.url;
    const gate = `v1-${name}`;
    const client = await connectHttp(await replaceBoth(), { token: 'alice-token', era: 'modern' });
    let taskId: string;
    try {
      const handle = await client.callToolTask('slow_task', { gate, text: 'from v1' });
      taskId = handle.id!;
      await eventually(async () => (await handle.status()).statusMessage === 'Halfway there');
    } finally {
      await client.close();
    }
    const again = await connectHttp(await replaceBoth(), { token: 'alice-token', era: 'modern' });
    try {
      const handle = again.task(taskId);
      const looked = v1.looks(v1.created.get(gate)!);
      // The new worker looks at the backend task on the session it was created on (another gets "Task not found").
      await eventually(() => v1.looks(v1.created.get(gate)!) > looked);
      expect((await handle.status()).status).toBe('working');
      v1.gates.open(gate);
      expect(text(await handle.result())).toBe('from v1');
    } finally {
      await again.close();
    }
    expect([...v1.created.keys()].filter((key) => key === gate)).toHaveLength(1);
  });
});
