/**
 * The 2025-11-25 era on a distributed Redis deployment: the client talks to a front end that runs nothing, the work
 * runs in a separate worker process, and what the worker reports still reaches the client on its stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeProcess, startNode, stopAll } from '../distributed.js';
import { text } from '../helpers.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  connectV1Http,
  type V1Connection,
} from '../legacy/v1-client.js';
import { requireRedis, uniqueName } from '../redis.js';

const enabled = await requireRedis();

describe.runIf(enabled)('2025-11-25 tasks with the Redis engine across processes (SDK v1 client)', () => {
  const nodes: NodeProcess[] = [];
  const clients: V1Connection[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await stopAll(nodes.splice(0));
  });
  const deployment = async () => {
    const name = uniqueName('legacy');
    const [front, worker] = await Promise.all([startNode('front', name), startNode('worker', name)]);
    nodes.push(front, worker);
    const client = await connectV1Http(front.url!);
    clients.push(client);
    return { front, worker, client };
  };

  it('relays progress and status reported in a worker process to the client of a front end', async () => {
    const { front, worker, client } = await deployment();
    const progress: Array<{ progress: number; message?: string }> = [];
    const { task } = await client.client.request(
      { method: 'tools/call', params: { name: 'stepwise', arguments: { steps: 4, stepMs: 150 } } },
      CreateTaskResultSchema,
      {
        task: { ttl: 60_000 },
        onprogress: (update) => {
          progress.push(update);
          client.recorded.log.push(`progress:${update.progress}`);
        },
      },
    );
    const result = await client.client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ pid: worker.child.pid, role: 'worker' });
    expect(worker.child.pid).not.toBe(front.child.pid);
    // progress crossed from the worker through Redis to the front end holding the client's stream
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.progress)).toEqual(
      [...progress.map((p) => p.progress)].sort((a, b) => a - b),
    );
    expect(progress.every((p) => p.message?.endsWith(`in ${worker.child.pid}`))).toBe(true);
    expect(client.recorded.statuses.map((s) => [s.taskId, s.status])).toEqual([[task.taskId, 'completed']]);
    expect(client.recorded.log.at(-1)).toBe(`status:${task.taskId}:completed`);
  });

  it('asks for input on the front end and resumes the task in the worker with the answers', async () => {
    const { client } = await deployment();
    const stream = client.client.experimental.tasks.callToolStream(
      { name: 'ask_two', arguments: {} },
      CallToolResultSchema,
      { task: { ttl: 60_000 } },
    );
    let final: { content?: unknown } | undefined;
    for await (const message of stream) {
      if (message.type === 'result') final = message.result;
      if (message.type === 'error') throw message.error;
    }
    expect(text(final!)).toBe('name=Ada ok=true');
    expect(client.recorded.elicitations.map((e) => e.message).sort()).toEqual(['Name?', 'OK?']);
  });
});
