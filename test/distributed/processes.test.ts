import { Client } from 'taskmcp/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeProcess, observed, startNode, stopAll } from '../distributed.js';
import { answerAdaAndYes } from '../fixtures/test-server.js';
import { eventually, rpc, text, untilStatus } from '../helpers.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();

describe.runIf(enabled)('Redis engine across processes', () => {
  const nodes: NodeProcess[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stopAll(nodes.splice(0));
  });
  const start = async (...args: Parameters<typeof startNode>) => {
    const node = await startNode(...args);
    nodes.push(node);
    return node;
  };
  const connect = async (url: URL) => {
    const client = await Client.connect(url, { onElicit: answerAdaAndYes });
    clients.push(client);
    return client;
  };

  it('runs tasks on separate workers and answers for them from any front end', async () => {
    const name = uniqueName('dist');
    const [frontA, frontB, workerA, workerB] = await Promise.all([
      start('front', name),
      start('front', name),
      start('worker', name, { CONCURRENCY: '1' }),
      start('worker', name, { CONCURRENCY: '1' }),
    ]);
    const a = await connect(frontA.url!);
    const b = await connect(frontB.url!);

    const handles = await Promise.all(
      Array.from({ length: 6 }, (_, i) => a.callToolTask('where', { label: `w${i}`, ms: 150 })),
    );
    // every task is visible from the other front end as soon as it was created (durable creation)
    for (const handle of handles) expect((await b.getTask(handle.id!)).status).toMatch(/working|completed/);
    const results = await Promise.all(handles.map((handle) => b.task(handle.id!).result()));
    const pids = new Set(results.map((result) => (result.structuredContent as { pid: number }).pid));
    expect(pids).toEqual(new Set([workerA.child.pid, workerB.child.pid]));
    expect(results.every((result) => (result.structuredContent as { role: string }).role === 'worker')).toBe(
      true,
    );
  });

  it('shows progress reported in a worker to tasks/get on another front end', async () => {
    const name = uniqueName('progress');
    const [frontA, frontB, worker] = await Promise.all([
      start('front', name),
      start('front', name),
      start('worker', name),
    ]);
    const created = await rpc(frontA.url!, 'tools/call', {
      name: 'where',
      arguments: { label: 'p', ms: 1500 },
    });
    const taskId = created.result!.taskId as string;
    const withProgress = await eventually(async () => {
      const { result } = await rpc(frontB.url!, 'tasks/get', { taskId });
      return (result?.statusMessage as string | undefined)?.startsWith('running in') ? result : undefined;
    });
    expect(withProgress.statusMessage).toBe(`running in ${worker.child.pid} (1/2)`);
  });

  it('cancels from one front end a task running in a worker process: the handler is aborted there', async () => {
    const name = uniqueName('cancel');
    const [frontA, frontB, worker] = await Promise.all([
      start('front', name),
      start('front', name),
      start('worker', name),
    ]);
    // `hold` never returns on its own: only its signal firing in the worker process ends it. Two in a row, so the
    // worker still receives cancellations after the first one. (Cancel latency belongs in bench/, not here.)
    const taskIds: string[] = [];
    for (const label of ['c1', 'c2']) {
      const created = await rpc(frontA.url!, 'tools/call', { name: 'hold', arguments: { label } });
      const taskId = created.result!.taskId as string;
      taskIds.push(taskId);
      await eventually(async () => (await observed(name, label)).length === 1);
      const ack = await rpc(frontB.url!, 'tasks/cancel', { taskId });
      expect(ack.result?.resultType).toBe('complete');
      const seen = await eventually(async () => {
        const all = await observed(name, label);
        return all.length === 2 ? all : undefined;
      });
      expect(seen).toEqual([
        { event: 'started', pid: worker.child.pid, at: expect.any(Number) },
        {
          event: 'aborted',
          pid: worker.child.pid,
          at: expect.any(Number),
          reason: 'The task was cancelled.',
        },
      ]);
      const cancelled = await untilStatus(frontA.url!, taskId, ['cancelled', 'completed', 'failed']);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled).not.toHaveProperty('result');
    }
    // Each handler returned 'stopped' right after recording its abort: that never turns a cancelled task completed.
    for (const taskId of taskIds) {
      expect((await rpc(frontB.url!, 'tasks/get', { taskId })).result).toMatchObject({ status: 'cancelled' });
    }
  });

  it('never runs a task that was cancelled before a worker picked it up', async () => {
    const name = uniqueName('queued');
    const front = await start('front', name);
    const created = await rpc(front.url!, 'tools/call', { name: 'where', arguments: { label: 'never' } });
    const taskId = created.result!.taskId as string;
    await rpc(front.url!, 'tasks/cancel', { taskId });
    await start('worker', name);
    // give the worker time to fetch anything that is still queued
    const other = await rpc(front.url!, 'tools/call', { name: 'where', arguments: { label: 'after' } });
    await untilStatus(front.url!, other.result!.taskId as string, ['completed']);
    expect(await observed(name, 'never')).toEqual([]);
    expect((await rpc(front.url!, 'tasks/get', { taskId })).result?.status).toBe('cancelled');
  });

  it('recovers the task of a worker killed with SIGKILL on another worker after the lease', async () => {
    const name = uniqueName('crash');
    const front = await start('front', name);
    const doomed = await start('worker', name, { LEASE_MS: '1000' });
    const created = await rpc(front.url!, 'tools/call', {
      name: 'where',
      arguments: { label: 'k', ms: 1500 },
    });
    const taskId = created.result!.taskId as string;
    await eventually(async () => (await observed(name, 'k')).length === 1);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const survivor = await start('worker', name, { LEASE_MS: '1000' });
    const done = await untilStatus(front.url!, taskId, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect((done.result as { structuredContent: { pid: number } }).structuredContent.pid).toBe(
      survivor.child.pid,
    );
    expect((await observed(name, 'k')).map((seen) => seen.pid)).toEqual([
      doomed.child.pid,
      survivor.child.pid,
    ]);
  });

  it('drains on SIGTERM: finishes the task in flight, then exits 0', async () => {
    const name = uniqueName('drain');
    const front = await start('front', name);
    const worker = await start('worker', name, { DRAIN_MS: '10000' });
    const created = await rpc(front.url!, 'tools/call', {
      name: 'where',
      arguments: { label: 'd', ms: 600 },
    });
    const taskId = created.result!.taskId as string;
    await eventually(async () => (await observed(name, 'd')).length === 1);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const task = (await rpc(front.url!, 'tasks/get', { taskId })).result;
    expect(task?.status).toBe('completed');
  });

  it('hands a task back on SIGTERM when the drain time is up, and another worker completes it', async () => {
    const name = uniqueName('handback');
    const front = await start('front', name);
    const first = await start('worker', name, { DRAIN_MS: '0' });
    const created = await rpc(front.url!, 'tools/call', {
      name: 'where',
      arguments: { label: 'h', ms: 800 },
    });
    const taskId = created.result!.taskId as string;
    await eventually(async () => (await observed(name, 'h')).length === 1);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect((await rpc(front.url!, 'tasks/get', { taskId })).result?.status).toBe('working');
    const second = await start('worker', name);
    const done = await untilStatus(front.url!, taskId, ['completed']);
    expect((done.result as { structuredContent: { pid: number } }).structuredContent.pid).toBe(
      second.child.pid,
    );
  });

  it('takes in-task input at one front end and runs the next leg on a worker', async () => {
    const name = uniqueName('input');
    const [frontA, frontB] = await Promise.all([
      start('front', name),
      start('front', name),
      start('worker', name),
    ]);
    const created = await rpc(frontA.url!, 'tools/call', { name: 'ask_two', arguments: {} });
    const taskId = created.result!.taskId as string;
    const waiting = await untilStatus(frontB.url!, taskId, ['input_required']);
    const responses = Object.fromEntries(
      Object.entries(waiting.inputRequests as Record<string, { params: { message: string } }>).map(
        ([key, request]) => [key, answerAdaAndYes(request.params)],
      ),
    );
    await rpc(frontB.url!, 'tasks/update', { taskId, inputResponses: responses });
    const done = await untilStatus(frontA.url!, taskId, ['completed']);
    expect(text(done.result as { content: unknown })).toBe('name=Ada ok=true');
  });

  it('forgets an expired task on every front end', async () => {
    const name = uniqueName('ttl');
    const [frontA, frontB] = await Promise.all([
      start('front', name),
      start('front', name),
      start('worker', name),
    ]);
    const created = await rpc(frontA.url!, 'tools/call', { name: 'short_lived', arguments: {} });
    expect(created.result).toMatchObject({ resultType: 'task', status: 'working', ttlMs: 300 });
    const taskId = created.result!.taskId as string;
    // short_lived completes at once and is forgotten once its ttlMs has passed: poll both front ends until both
    // answer that the task is unknown. Until then it may only ever show as working or completed.
    const statuses = new Set<string>();
    const gone = await eventually(async () => {
      const replies = await Promise.all(
        [frontA, frontB].map((front) => rpc(front.url!, 'tasks/get', { taskId })),
      );
      for (const { result } of replies) if (result) statuses.add(result.status as string);
      return replies.every((reply) => reply.error) ? replies : undefined;
    }, 30_000);
    expect(gone.map((reply) => reply.error?.code)).toEqual([-32602, -32602]);
    expect(gone[1]!.error?.message).toBe(gone[0]!.error?.message);
    expect([...statuses].filter((status) => status !== 'working' && status !== 'completed')).toEqual([]);
  });
});
